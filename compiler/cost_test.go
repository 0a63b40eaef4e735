package compiler_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
)

// bomb is a condition that loops over the tags three deep: refused at
// the default limit.
const bomb = `tags.all(a, tags.all(b, tags.all(c, a + b + c != "x")))`

func costWorkspace(t *testing.T, when string) *compiler.Workspace {
	t.Helper()
	return compiler.NewWorkspace(map[string][]byte{
		"schema.journey": baseSchema(t),
		"j.journey":      []byte("journey j\n\nstage A\nstage B when " + when + " {\n  send \"welcome\"\n}\n"),
	}, map[string][]byte{"welcome.md": []byte("subject: Hi\n")})
}

// TestExpensiveCondition pins where and how a condition over the limit is
// refused: the whole condition, under a caret.
func TestExpensiveCondition(t *testing.T) {
	ws := costWorkspace(t, bomb)
	_, diags := compiler.Check(ws)
	var b bytes.Buffer
	diag.RenderAll(&b, diags, ws.Sources)
	want := `j.journey:4:14: this condition may cost up to 57,050,502 to evaluate, above the limit of 1,000,000
   4 | stage B when tags.all(a, tags.all(b, tags.all(c, a + b + c != "x"))) {
     |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
     = the estimate takes a list or map to hold up to 100 elements and a string up to 100 characters; a loop over a list inside another multiplies their sizes: nest fewer loops
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(diags) != 1 || diags[0].Code != compiler.CodeExpensiveCondition {
		t.Fatalf("want one ExpensiveCondition, got %v", diags)
	}
	if r := diags[0].Range; r.End.Line != 4 || int(r.End.Col) != 14+len(bomb) {
		t.Errorf("the range ends at %s, want 4:%d", r.End, 14+len(bomb))
	}
}

// TestCostLimitOption checks the limit a compilation is given: raised, it
// lets the bomb into a bundle; lowered, it reaches the cost the library's
// functions declare.
func TestCostLimitOption(t *testing.T) {
	tests := []struct {
		name, when string
		limit      uint64 // 0: compiler.CostLimit
		refused    bool
	}{
		{"an ordinary condition", `score >= 50 && has_tag("vip") && count("page_viewed", 7d) > 2`, 0, false},
		{"two loops deep", `tags.all(a, tags.all(b, a != b))`, 0, false},
		{"three loops deep", bomb, 0, true},
		{"three loops deep, the limit raised", bomb, math.MaxUint64, false},
		{"count costs a thousand", `count("page_viewed", 7d) > 2`, 1000, true},
		{"count within its cost", `count("page_viewed", 7d) > 2`, 1002, false},
		{"has_tag costs a hundred", `has_tag("vip")`, 99, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prog, diags := compiler.CompileWith(costWorkspace(t, tt.when), compiler.Options{CostLimit: tt.limit})
			refused := false
			for _, d := range diags {
				if d.Code == compiler.CodeExpensiveCondition {
					refused = true
				} else if d.Severity == diag.Error {
					t.Errorf("unexpected %s", d.Error())
				}
			}
			if refused != tt.refused {
				t.Errorf("refused: %v, want %v", refused, tt.refused)
			}
			if (prog != nil) == tt.refused {
				t.Errorf("program: %v, want one: %v", prog != nil, !tt.refused)
			}
		})
	}
}
