" Vim syntax file
" Language:   Journey (customer journeys; see docs/language.md)
" Filenames:  *.journey
"
" Highlights keywords, step and test words, types, strings, durations,
" percents, clock times, numbers and // comments. Conditions are CEL and get
" the same groups (strings, numbers, operators, duration literals such as 7d).

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
setlocal iskeyword=@,48-57,_

" Comments: // to end of line.
syn keyword journeyTodo contained TODO FIXME XXX NOTE
syn match   journeyComment "//.*$" contains=journeyTodo,@Spell

" Declarations and journey clauses.
syn keyword journeyDecl     use contact journey test
syn match   journeyDecl     "\<event\>\ze\s"
" `budget 20 sends per 1d` or `budget off`, the workspace's send budget:
" a declaration where `budget` starts a line; elsewhere it may name a field.
syn match   journeyDecl     "\(^\s*\)\@<=budget\>"
syn match   journeyKeyword  "\(^\s*budget\s\+\)\@<=off\>"
" `team sales "sales@acme.example"`, a team that notify and task name: a
" declaration where `team` starts a line; elsewhere it may name a field.
syn match   journeyDecl     "\(^\s*\)\@<=team\>"
" `rule NAME on EVENT { … }`, a workspace rule: a declaration where `rule`
" starts a line; elsewhere it may name a field.
syn match   journeyDecl     "\(^\s*\)\@<=rule\>"
syn match   journeyDecl     "\(^\s*\)\@<=holidays\>"
syn keyword journeyClause   entry goal suppress window cap reenter
syn keyword journeyStage    stage nextgroup=journeyStageName skipwhite
syn match   journeyStageName "\<\h\w*\>" contained

" Words inside clauses.
syn keyword journeyKeyword  when per never within for due by
syn match   journeyKeyword  "\<on\>"

" `on change migrate` or `on change drain`, the journey's setting for new
" versions: a clause where `on change` starts a line; elsewhere `on` is the
" word of an event trigger (`entry on EVENT`, `stage NAME on EVENT`).
syn match   journeyClause   "\(^\s*\)\@<=on\s\+change\>"
syn match   journeyKeyword  "\(^\s*on\s\+change\s\+\)\@<=\(migrate\|drain\)\>"
syn keyword journeyDay      mon tue wed thu fri sat sun

" Steps.
syn keyword journeyStep     send notify task set tag untag webhook next exit
syn keyword journeyStep     goto nextgroup=journeyStageName skipwhite
syn keyword journeyTiming   after at every
syn keyword journeyBranch   if else split wait timeout

" Test statements and expectations.
syn keyword journeyTest     start expect unsubscribe resubscribe
syn keyword journeyExpect   not sent notified tagged exited suppressed capped unsubscribed arm enrolled
" `expect sent "tpl" subject "S" containing "T"`: the rendered message.
syn match   journeyExpect   "\(\<sent\>.*\)\@<=\<\(subject\|containing\)\>"

" Schema types.
syn keyword journeyType     string int double bool timestamp duration list map enum

" CEL words in conditions.
syn keyword journeyConstant true false null now
syn keyword journeyOperator in

" Strings: double quoted on one line, with backslash escapes; CEL's single
" quoted and triple quoted strings inside conditions.
syn match   journeyEscape   contained +\\[abfnrtv\\'"`?]\|\\x\x\{2}\|\\u\x\{4}\|\\U\x\{8}\|\\\o\{3}+
syn match   journeyTemplate contained "{{.\{-}}}"
syn region  journeyString   start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=journeyEscape,journeyTemplate
syn region  journeyString   start=+'+ skip=+\\\\\|\\'+ end=+'+ end=+$+ oneline contains=journeyEscape
syn region  journeyString   start=+"""+ end=+"""+ contains=journeyEscape

" Literals. Order matters: later matches win at the same position.
syn match   journeyNumber   "\<\d\+\>"
syn match   journeyNumber   "\<\d\+\.\d\+\>"
syn match   journeyDuration "\<\(\d\+bd\|\(\d\+[smhdw]\)\+\)\>"
syn match   journeyPercent  "\<\d\+\(\.\d\+\)\=%"
syn match   journeyClock    "\<\d\{1,2}:\d\{2}\>"

" Operators, and the `?` of an optional type (string?, list<string>?).
syn match   journeyOperator "&&\|||\|==\|!=\|<=\|>=\|!"
syn match   journeyOptional "\(\w\|>\)\@<=?"

hi def link journeyComment   Comment
hi def link journeyTodo      Todo
hi def link journeyDecl      Structure
hi def link journeyClause    Statement
hi def link journeyStage     Structure
hi def link journeyStageName Identifier
hi def link journeyKeyword   Keyword
hi def link journeyDay       Constant
hi def link journeyStep      Statement
hi def link journeyTiming    Repeat
hi def link journeyBranch    Conditional
hi def link journeyTest      PreProc
hi def link journeyExpect    Keyword
hi def link journeyType      Type
hi def link journeyOptional  Special
hi def link journeyConstant  Constant
hi def link journeyOperator  Operator
hi def link journeyString    String
hi def link journeyEscape    SpecialChar
hi def link journeyTemplate  Special
hi def link journeyNumber    Number
hi def link journeyDuration  Number
hi def link journeyPercent   Number
hi def link journeyClock     Number

let b:current_syntax = "journey"

let &cpo = s:cpo_save
unlet s:cpo_save
