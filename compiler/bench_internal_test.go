package compiler

import (
	"runtime"
	"testing"
)

// BenchmarkGenerated checks, then compiles into a bundle, the workspace
// scripts/genworkspace writes (260 journeys and their tests, 1,086,614
// bytes of source), as `journey check` and `journey compile` do: the
// ratio of the two is what compiling adds to checking. docs/performance.md
// records the results.
func BenchmarkGenerated(b *testing.B) {
	sources, templates := synthSources(260)
	size := 0
	for _, src := range sources {
		size += len(src)
	}
	for _, bb := range []struct {
		name string
		run  func(*Workspace)
	}{
		{"check", func(ws *Workspace) { Check(ws) }},
		{"compile", func(ws *Workspace) {
			prog, diags := Compile(ws)
			if diags.HasErrors() {
				b.Fatalf("the workspace has errors; the first: %v", diags[0])
			}
			if _, err := WriteBundle(prog, nil); err != nil {
				b.Fatal(err)
			}
		}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				bb.run(NewWorkspace(sources, templates))
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(size)/float64(b.N), "B/byte")
		})
	}
}
