package runtime

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
)

// TestCoerceNumbers: whatever form a number comes in — int64 or float64
// as a store reads it back, json.Number as a decoder with UseNumber gives
// it — coerce makes an int an int64, exactly beyond 2^53, and a double a
// float64, in lists and maps too.
func TestCoerceNumbers(t *testing.T) {
	intT := &compiler.Type{Kind: compiler.KindInt}
	doubleT := &compiler.Type{Kind: compiler.KindDouble}
	cases := []struct {
		t        *compiler.Type
		in, want any
	}{
		{intT, int64(9007199254740993), int64(9007199254740993)},
		{intT, json.Number("9007199254740993"), int64(9007199254740993)},
		{intT, float64(3), int64(3)},
		{doubleT, int64(3), float64(3)},
		{doubleT, json.Number("2.5"), 2.5},
		{doubleT, json.Number("3"), float64(3)},
		{&compiler.Type{Kind: compiler.KindList, Elem: intT}, []any{json.Number("9007199254740993"), int64(1)}, []any{int64(9007199254740993), int64(1)}},
		{&compiler.Type{Kind: compiler.KindMap, Elem: doubleT}, map[string]any{"a": int64(1), "b": json.Number("0.5")}, map[string]any{"a": 1.0, "b": 0.5}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, coerce(c.t, c.in)); diff != "" {
			t.Errorf("coerce(%s, %#v) (-want +got):\n%s", c.t, c.in, diff)
		}
	}
}
