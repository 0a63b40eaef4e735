package compiler

import (
	"runtime"
	"testing"
)

// generatedSink holds the workspace and the result of BenchmarkGenerated's
// last check or compile.
var generatedSink any

// BenchmarkGenerated checks, then compiles into a bundle, the workspace
// scripts/genworkspace writes (260 journeys and their tests, 1,086,614
// bytes of source), as `journey check` and `journey compile` do, but
// parsed from memory with NewWorkspace, which holds every file's tree to
// the end (the commands read the folder with LoadToCheck): the ratio of
// the two is what compiling adds to checking. Besides the usual
// columns it reports B/byte, the bytes allocated per source byte, and
// live-B/byte, what the last check or compile holds when it ends (its
// workspace and its result, after a collection) per source byte. The
// last of them is kept in generatedSink, so that -memprofile (whose
// in-use figures are taken after the benchmarks) shows what it holds.
// docs/performance.md records the results.
func BenchmarkGenerated(b *testing.B) {
	sources, templates := synthSources(260)
	size := 0
	for _, src := range sources {
		size += len(src)
	}
	for _, bb := range []struct {
		name string
		run  func(*Workspace) any
	}{
		{"check", func(ws *Workspace) any {
			res, _ := Check(ws)
			return res
		}},
		{"compile", func(ws *Workspace) any {
			prog, diags := Compile(ws)
			if diags.HasErrors() {
				b.Fatalf("the workspace has errors; the first: %v", diags[0])
			}
			data, err := WriteBundle(prog, nil)
			if err != nil {
				b.Fatal(err)
			}
			return data
		}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			generatedSink = nil
			for b.Loop() {
				ws := NewWorkspace(sources, templates)
				generatedSink = []any{ws, bb.run(ws)}
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(size)/float64(b.N), "B/byte")
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc)/float64(size), "live-B/byte")
		})
	}
}
