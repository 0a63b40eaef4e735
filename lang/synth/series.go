package synth

import (
	"fmt"
	"runtime"
	"testing"
)

// Input is one input of a benchmark: the files it is made of.
type Input struct {
	Name  string
	Files []File
}

// Size is the total size of in's files, in bytes.
func (in Input) Size() int {
	n := 0
	for _, f := range in.Files {
		n += len(f.Src)
	}
	return n
}

// DeepLevels is how deep Deep nests in the series below: close to the
// parser's limit of 100 levels.
const DeepLevels = 95

// Series returns the inputs that show whether a phase is linear: each of
// three shapes at sizes N, 2N and 4N, then Deep at a fixed size and three
// depths.
//
//	workspace/N  Workspace of 65, 130 and 260 journeys (0.27 to 1.09 MB)
//	deep/N       Deep of 6, 12 and 24 stages nested DeepLevels deep (0.27 to 1.07 MB)
//	file/N       Large of 1, 2 and 4 MiB less 1 KiB, the last just under the size limit
//	depth/D      Deep at depths 25, 50 and DeepLevels, about 0.35 MB each
//
// Each input holds the files named as a workspace would: the workspace's,
// or one journey file. extra files (a schema, say) are added to every
// input that is not a workspace.
func Series(extra ...File) []Input {
	var out []Input
	for _, n := range []int{65, 130, 260} {
		out = append(out, Input{Name: fmt.Sprintf("workspace/%d", n), Files: Workspace(n)})
	}
	one := func(name string, src []byte) Input {
		return Input{Name: name, Files: append([]File{{Name: "j.journey", Src: src}}, extra...)}
	}
	for _, n := range []int{6, 12, 24} {
		out = append(out, one(fmt.Sprintf("deep/%d", n), Deep(n, DeepLevels)))
	}
	for _, mib := range []int{1, 2, 4} {
		out = append(out, one(fmt.Sprintf("file/%dMiB", mib), Large(mib<<20-1<<10)))
	}
	for _, d := range []int{25, 50, DeepLevels} {
		stages := 350_000 / len(Deep(1, d))
		out = append(out, one(fmt.Sprintf("depth/%d", d), Deep(max(stages, 1), d)))
	}
	return out
}

// Bench runs f on each input as a sub-benchmark named after it. Besides
// the usual figures it reports the time and the bytes allocated per
// source byte (ns/byte, B/byte): for a phase linear in its input they stay
// flat from N to 4N.
func Bench(b *testing.B, inputs []Input, f func(Input)) {
	for _, in := range inputs {
		b.Run(in.Name, func(b *testing.B) {
			size := in.Size()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for b.Loop() {
				f(in)
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			bytes := float64(size) * float64(b.N)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/bytes, "ns/byte")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/bytes, "B/byte")
		})
	}
}
