package compiler

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
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
