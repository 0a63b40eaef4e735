-- Run by TestNeovim: start `journey lsp` with Neovim's own LSP client on
-- the current buffer, wait for its diagnostics, and write the first as
-- "line:col:code:message" (1-based) to $JOURNEY_NVIM_OUT.
local out = os.getenv("JOURNEY_NVIM_OUT")
local function write(s)
  local f = assert(io.open(out, "w"))
  f:write(s)
  f:close()
end

local config = {
  name = "journey",
  cmd = { os.getenv("JOURNEY_BIN"), "lsp" },
  root_dir = vim.fn.expand("%:p:h"),
}
if vim.lsp.start then
  vim.lsp.start(config) -- Neovim 0.8 and later
else
  local id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(0, id)
end

local ok = vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)
if not ok then
  write("timeout\n")
else
  local d = vim.diagnostic.get(0)[1]
  write(string.format("%d:%d:%s:%s\n", d.lnum + 1, d.col + 1, tostring(d.code), d.message))
end
vim.cmd("qa!")
