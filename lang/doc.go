// Package lang is the front end of Journey: from .journey text to a
// positioned syntax tree, with diagnostics and a canonical formatter. It
// holds no code of its own; its phases are packages, each importing only
// the ones before it:
//
//	pos     byte offsets, lines and columns (the leaf every phase shares)
//	diag    the one Diagnostic type of every phase, its text and JSON forms
//	ast     the syntax tree, with a span on every node
//	parser  lexer and participle grammar, lowered into the ast
//	format  the canonical printer behind `journey fmt`
//
// Beside them, synth writes the generated sources that the benchmarks of
// the front end and the checker run on.
package lang
