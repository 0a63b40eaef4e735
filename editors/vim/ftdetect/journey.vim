" Vim filetype detection for Journey (.journey files).
" Install: copy editors/vim into a directory on 'runtimepath', or add it
" with your plugin manager (for example `set rtp+=/path/to/editors/vim`).
autocmd BufRead,BufNewFile *.journey setfiletype journey
