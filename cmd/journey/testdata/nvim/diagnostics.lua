-- Run by TestNeovim: start `journey lsp` with Neovim's own LSP client on
-- the current buffer, wait for its diagnostics, apply the quick fix the
-- server offers for the first, and wait for the diagnostics to clear.
-- Writes to $JOURNEY_NVIM_OUT, one per line: the first diagnostic as
-- "line:col:code:message" (1-based, the column in bytes as Neovim counts
-- it), the fixed line, and "clean" or what is left.
local out = os.getenv("JOURNEY_NVIM_OUT")
local lines = {}
local function finish()
  local f = assert(io.open(out, "w"))
  f:write(table.concat(lines, "\n") .. "\n")
  f:close()
  vim.cmd("qa!")
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

if not vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50) then
  table.insert(lines, "timeout")
  return finish()
end
local d = vim.diagnostic.get(0)[1]
table.insert(lines, string.format("%d:%d:%s:%s", d.lnum + 1, d.col + 1, tostring(d.code), d.message))

-- The quick fix: ask for the code actions of the diagnostic's line.
local params = {
  textDocument = vim.lsp.util.make_text_document_params(),
  range = { start = { line = d.lnum, character = 0 }, ["end"] = { line = d.lnum + 1, character = 0 } },
  context = { diagnostics = {} },
}
local results = vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 10000) or {}
for _, r in pairs(results) do
  for _, action in ipairs(r.result or {}) do
    if action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
    end
  end
end
table.insert(lines, vim.api.nvim_buf_get_lines(0, d.lnum, d.lnum + 1, false)[1])

if vim.wait(15000, function() return #vim.diagnostic.get(0) == 0 end, 50) then
  table.insert(lines, "clean")
else
  table.insert(lines, "left: " .. vim.diagnostic.get(0)[1].message)
end
finish()
