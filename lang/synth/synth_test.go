package synth_test

import (
	"strings"
	"testing"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/format"
	"github.com/journeylang/journey/lang/parser"
	"github.com/journeylang/journey/lang/synth"
)

// TestCheckClean checks that Deep and Large check without a diagnostic in
// a workspace with Schema, and are formatted already.
func TestCheckClean(t *testing.T) {
	for name, src := range map[string][]byte{
		"deep":  synth.Deep(2, synth.DeepLevels),
		"large": synth.Large(64 << 10),
	} {
		t.Run(name, func(t *testing.T) {
			ws := compiler.NewWorkspace(map[string][]byte{"j.journey": src, "schema.journey": []byte(synth.Schema)}, nil)
			if _, diags := compiler.Check(ws); len(diags) > 0 {
				t.Errorf("%d diagnostics; the first: %v", len(diags), diags[0])
			}
			out, diags := format.Source("j.journey", src)
			if len(diags) > 0 {
				t.Fatalf("format: %v", diags[0])
			}
			if string(out) != string(src) {
				t.Errorf("the text is not formatted: formatting changes it")
			}
		})
	}
}

// TestWorkspaceParses checks that the workspace parses without a
// diagnostic.
func TestWorkspaceParses(t *testing.T) {
	for _, f := range synth.Workspace(3) {
		if _, diags := parser.ParseFile(f.Name, f.Src); len(diags) > 0 {
			t.Errorf("%s: %v", f.Name, diags[0])
		}
	}
}

// TestDeepLevels checks Deep's count of levels against the parser's: its
// deepest block at parser.MaxNesting parses, one level more does not.
func TestDeepLevels(t *testing.T) {
	if _, diags := parser.ParseFile("j.journey", synth.Deep(1, parser.MaxNesting)); len(diags) > 0 {
		t.Errorf("at the limit: %v", diags[0])
	}
	_, diags := parser.ParseFile("j.journey", synth.Deep(1, parser.MaxNesting+1))
	if len(diags) != 1 || diags[0].Code != parser.CodeExcessiveNesting {
		t.Errorf("over the limit: %v, want one %s", diags, parser.CodeExcessiveNesting)
	}
}

// TestSizes checks that Large fills its size without passing it, and that
// the series is ordered N, 2N, 4N within each shape.
func TestSizes(t *testing.T) {
	for _, size := range []int{1 << 10, 100_000} {
		if n := len(synth.Large(size)); n > size || n < size-1<<10 {
			t.Errorf("Large(%d) is %d bytes", size, n)
		}
	}
	if n := len(synth.Large(parser.MaxFileSize)); n > parser.MaxFileSize {
		t.Errorf("Large(MaxFileSize) is %d bytes, over the limit", n)
	}
	if testing.Short() {
		return
	}
	sizes := map[string][]int{}
	for _, in := range synth.Series() {
		shape := in.Name[:strings.IndexByte(in.Name, '/')]
		sizes[shape] = append(sizes[shape], in.Size())
	}
	for _, shape := range []string{"workspace", "deep", "file"} {
		s := sizes[shape]
		if len(s) != 3 || s[1] < 19*s[0]/10 || s[1] > 21*s[0]/10 || s[2] < 19*s[1]/10 || s[2] > 21*s[1]/10 {
			t.Errorf("%s: sizes %v, want N, 2N, 4N", shape, s)
		}
	}
}
