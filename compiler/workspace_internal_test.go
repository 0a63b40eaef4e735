package compiler

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/journeylang/journey/lang/pos"
)

// TestReadSmall checks that readSmall reads a file whole, and holds a
// small one in a slice of about its size rather than os.ReadFile's 512
// bytes.
func TestReadSmall(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 90, minReadRoom - 1, minReadRoom, 3000} {
		want := bytes.Repeat([]byte("x"), size)
		path := filepath.Join(dir, "t.md")
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readSmall(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("readSmall of %d bytes read %d", size, len(got))
		}
		if size < minReadRoom && cap(got) > size+8 {
			t.Errorf("readSmall of %d bytes holds room for %d", size, cap(got))
		}
	}
	if _, err := readSmall(filepath.Join(dir, "missing.md")); err == nil {
		t.Error("readSmall of a missing file: no error")
	}
}

// TestLinesOf checks that the checker indexes a file's lines when first
// asked, once, and has no index for a file the workspace does not hold.
func TestLinesOf(t *testing.T) {
	ws := NewWorkspace(map[string][]byte{"a.journey": []byte("journey a\nstage A\n")}, nil)
	c := &checker{ws: ws, lines: map[string]*pos.Lines{}}
	l := c.linesOf("a.journey")
	if l == nil {
		t.Fatal("no index of a.journey")
	}
	if got := l.Pos(16); got.Line != 2 || got.Col != 7 {
		t.Errorf("offset 16 of a.journey is at %d:%d, want 2:7", got.Line, got.Col)
	}
	if c.linesOf("a.journey") != l {
		t.Error("a.journey was indexed twice")
	}
	if c.linesOf("b.journey") != nil {
		t.Error("an index of b.journey, which the workspace does not hold")
	}
}
