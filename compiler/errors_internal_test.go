package compiler

import (
	"fmt"
	"testing"
)

// TestTheNames checks how a message lists names: none, one, a few, and
// more than maxListed, counted past the first ones.
func TestTheNames(t *testing.T) {
	var many []string
	for i := range maxListed + 3 {
		many = append(many, fmt.Sprintf("a%d", i))
	}
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{nil, "it has no split"},
		{[]string{"control"}, "its only arm is control"},
		{[]string{"a", "b"}, "its arms are a and b"},
		{[]string{"a", "b", "c"}, "its arms are a, b and c"},
		{many, "its arms are a0, a1, a2, a3, a4, a5, a6, a7, a8, a9 and 3 more"},
	} {
		if got := theNames("arm", "it has no split", tt.names); got != tt.want {
			t.Errorf("theNames(%q) = %q, want %q", tt.names, got, tt.want)
		}
	}
}
