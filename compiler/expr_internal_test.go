package compiler

import (
	"reflect"
	"testing"
	"unsafe"
)

// TestRewriteDurations checks the rewriting of duration literals outside
// strings into CEL duration calls, the record of each, and that a text
// without any comes back as it is, not copied.
func TestRewriteDurations(t *testing.T) {
	tests := []struct {
		text, want string
		spans      []rewrite
	}{
		{"score > 10", "score > 10", nil},
		{`tag == "7d" && n > 0x1f`, `tag == "7d" && n > 0x1f`, nil},
		{"now - created > 7d", `now - created > duration("604800s")`, []rewrite{{16, 35, 16, 18}}},
		{`1d12h < x && 'a\'2h' != y && 3w > z`, `duration("129600s") < x && 'a\'2h' != y && duration("1814400s") > z`,
			[]rewrite{{0, 19, 0, 5}, {43, 63, 29, 31}}},
		{`"""a"b"""+1m`, `"""a"b"""+duration("60s")`, []rewrite{{10, 25, 10, 12}}},
		{"x > 1d2 || y > 2.5h", "x > 1d2 || y > 2.5h", nil},
		{`"unclosed \`, `"unclosed \`, nil},
	}
	for _, tt := range tests {
		got, spans := rewriteDurations(tt.text)
		if got != tt.want || !reflect.DeepEqual(spans, tt.spans) {
			t.Errorf("rewriteDurations(%q) = %q, %v; want %q, %v", tt.text, got, spans, tt.want, tt.spans)
		}
		if spans == nil && unsafe.StringData(got) != unsafe.StringData(tt.text) {
			t.Errorf("rewriteDurations(%q) copied a text it does not change", tt.text)
		}
	}
}
