package format_test

import (
	"testing"

	"github.com/journeylang/journey/lang/format"
	"github.com/journeylang/journey/lang/synth"
)

// BenchmarkFormatLinear formats the inputs of synth.Series, as `journey
// fmt` does (format.Source: parse, print, and parse the output again to
// verify it): workspaces, nesting close to the limit and files close to
// the size limit, each at sizes N, 2N and 4N, and nesting at three depths.
// ns/byte and B/byte stay flat where formatting is linear.
// docs/performance.md records the results.
func BenchmarkFormatLinear(b *testing.B) {
	synth.Bench(b, synth.Series(), func(in synth.Input) {
		for _, f := range in.Files {
			if _, diags := format.Source(f.Name, f.Src); diags.HasErrors() {
				b.Fatalf("%s: %v", f.Name, diags[0])
			}
		}
	})
}
