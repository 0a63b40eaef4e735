// Package lsp is Journey's language server: `journey lsp` speaks the
// Language Server Protocol over a byte stream (standard input and output)
// to an editor.
//
// Input: the editor's requests and notifications, JSON-RPC 2.0 messages
// framed by Content-Length headers (go.lsp.dev/jsonrpc2), with the
// parameter types of go.lsp.dev/protocol. Output: replies, and
// textDocument/publishDiagnostics notifications.
//
// A document belongs to the workspace of its folder, as with `journey
// check`: the folder's .journey files, read from disk unless the editor
// has them open (then its text wins), and the templates of its templates/
// folder. Every change re-checks the whole workspace after a short pause
// (debounced), and diagnostics are published for each of its files, so
// editing the schema re-checks the journeys that use it.
//
// Invariants: inside, positions are byte offsets (lang/pos); the protocol's
// positions count UTF-16 code units, and are converted only where a
// message is read or written (position.go). No request makes the server
// panic: a handler that fails answers with an error and the connection
// goes on.
package lsp
