package parser_test

import (
	"testing"

	"github.com/journeylang/journey/lang/parser"
	"github.com/journeylang/journey/lang/synth"
)

// benchJourneys is the number of journeys in the generated workspace; with
// their tests and the schema it makes a little over 1 MB of source.
const benchJourneys = 260

// BenchmarkParseWorkspace parses a generated workspace of realistic
// journeys: every clause kind, brace and angle stages, every step kind,
// nested branches, splits and waits, and a test file per journey with every
// statement and expectation form. One iteration parses every file once;
// the figure to read is MB/s. docs/performance.md records the results.
func BenchmarkParseWorkspace(b *testing.B) {
	files := synth.Workspace(benchJourneys)
	total := checkBenchWorkspace(b, files)
	if b.Failed() {
		b.FailNow()
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, f := range files {
			parser.ParseFile(f.Name, f.Src)
		}
	}
}

// TestBenchWorkspace keeps the benchmark's workspace honest outside
// benchmark runs: it parses without diagnostics and is over 1 MB.
func TestBenchWorkspace(t *testing.T) {
	if testing.Short() {
		t.Skip("parses 1 MB")
	}
	files := synth.Workspace(benchJourneys)
	total := checkBenchWorkspace(t, files)
	t.Logf("workspace: %d files, %d bytes", len(files), total)
}

// checkBenchWorkspace reports every diagnostic of files, and a total size
// under 1 MB, as errors of tb; it returns the total size.
func checkBenchWorkspace(tb testing.TB, files []synth.File) int {
	total := 0
	for _, f := range files {
		total += len(f.Src)
		_, diags := parser.ParseFile(f.Name, f.Src)
		for _, d := range diags {
			tb.Errorf("%s: %s", d.Code, d.Error())
		}
	}
	if total < 1<<20 {
		tb.Errorf("workspace is %d bytes, want at least 1 MB", total)
	}
	return total
}

// BenchmarkParseLinear parses the inputs of synth.Series: workspaces,
// nesting close to the limit and files close to the size limit, each at
// sizes N, 2N and 4N, and nesting at three depths. ns/byte and B/byte stay
// flat where parsing is linear. docs/performance.md records the results.
func BenchmarkParseLinear(b *testing.B) {
	synth.Bench(b, synth.Series(), func(in synth.Input) {
		for _, f := range in.Files {
			parser.ParseFile(f.Name, f.Src)
		}
	})
}
