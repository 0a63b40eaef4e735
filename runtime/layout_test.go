package runtime_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayout checks that no package imports upward: the engine imports no
// store and no database/sql, and the stores import neither the worker nor
// the packages that serve.
func TestLayout(t *testing.T) {
	const mod = "github.com/journeylang/journey/"
	tests := []struct {
		pkg       string
		forbidden []string // import paths, or prefixes ending in "/"
	}{
		{"./", []string{mod + "runtime/store", mod + "runtime/store/", mod + "runtime/worker", "database/sql"}},
		{"./store", []string{mod + "runtime/store/", mod + "runtime/worker", mod + "runtime/serve", mod + "runtime/api", mod + "runtime/dispatch"}},
		{"./store/memory", []string{mod + "runtime/worker", mod + "runtime/serve", mod + "runtime/api", mod + "runtime/dispatch"}},
		{"./store/sqlite", []string{mod + "runtime/worker", mod + "runtime/serve", mod + "runtime/api", mod + "runtime/dispatch"}},
		{"./store/postgres", []string{mod + "runtime/worker", mod + "runtime/serve", mod + "runtime/api", mod + "runtime/dispatch"}},
		{"./report", []string{mod + "runtime", mod + "runtime/store", mod + "runtime/store/", "database/sql"}}, // a leaf: counts and their statistics
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", tt.pkg).Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", tt.pkg, err)
			}
			for _, dep := range strings.Fields(string(out)) {
				for _, f := range tt.forbidden {
					if dep == f || strings.HasSuffix(f, "/") && strings.HasPrefix(dep, f) {
						t.Errorf("%s imports %s", tt.pkg, dep)
					}
				}
			}
		})
	}
}
