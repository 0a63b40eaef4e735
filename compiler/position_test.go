package compiler_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/lang/diag"
)

// TestPositions pins the exact place, message and suggestion of errors
// inside conditions: cel-go's positions mapped back into the .journey file
// through the rewriting of duration literals, multi-line conditions and
// non-ASCII text.
func TestPositions(t *testing.T) {
	tests := []struct {
		name, journey string
		want          string // file:line:col: message, then the suggestion
	}{
		{"typo in a field", "stage A when scroe >= 50 {\n  send \"welcome\"\n}\n",
			`j.journey:3:14: undefined field "scroe" / score`},
		{"types at the operator", "stage A when score >= \"50\"\n",
			`j.journey:3:20: mismatched types: int >= string / `},
		{"unknown template", "stage A {\n  send \"roi-guid\"\n}\n",
			`j.journey:4:8: unknown template "roi-guid": there is no templates/roi-guid.md or templates/roi-guid.html / roi-guide`},
		{"after a duration literal", "stage A when count(\"page_viewed\", 1d12h) > 1 && scroe > 2\n",
			`j.journey:3:49: undefined field "scroe" / score`},
		{"on a continuation line", "stage A when score > 1 &&\n    lifecyle == \"lead\"\n",
			`j.journey:4:5: undefined field "lifecyle" / lifecycle`},
		{"after non-ASCII text", "stage A when timezone == \"Zürich—Süd\" && scroe > 2\n",
			`j.journey:3:46: undefined field "scroe" / score`},
		{"nested field", "stage A when company.sise > 2\n",
			`j.journey:3:22: undefined field "company.sise" / size`},
		{"event field", "stage A on deal_won when event.amout > 2.0\n",
			`j.journey:3:32: undefined field "event.amout" / amount`},
		{"enum value", "exit when lifecycle != \"custmer\"\nstage A\n",
			`j.journey:3:24: "custmer" is not a value of lifecycle / customer`},
		{"function name", "exit when days_snce(last_login) > 3\nstage A\n",
			`j.journey:3:11: unknown function "days_snce" / days_since`},
		// cel-go gives up recovering from an error this far from the end,
		// and says so first, nowhere in particular; the error itself is
		// the one reported.
		{"long condition", "exit when score > 1 vip && " + strings.Repeat("score > 1 && ", 100) + "vip\nstage A\n",
			`j.journey:3:21: invalid condition: mismatched input 'vip' / `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := compiler.NewWorkspace(map[string][]byte{
				"schema.journey": baseSchema(t),
				"j.journey":      []byte("journey j\n\n" + tt.journey),
			}, map[string][]byte{"welcome.md": []byte("subject: Hi\n"), "roi-guide.md": []byte("subject: ROI\n")})
			_, diags := compiler.Check(ws)
			if len(diags) == 0 {
				t.Fatal("no diagnostic")
			}
			d := diags[0]
			got := d.Error() + " / " + d.Suggestion
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRendered shows the caret under the typo, the way `journey check`
// prints it.
func TestRendered(t *testing.T) {
	src := []byte("journey j\n\nstage Consideration when scroe >= 50 {\n  after 3d send \"roi-guide\"\n}\n")
	ws := compiler.NewWorkspace(map[string][]byte{"schema.journey": baseSchema(t), "j.journey": src},
		map[string][]byte{"roi-guide.md": []byte("subject: ROI\n")})
	_, diags := compiler.Check(ws)
	var b bytes.Buffer
	diag.RenderAll(&b, diags, ws.Sources)
	want := `j.journey:3:26: undefined field "scroe"
   3 | stage Consideration when scroe >= 50 {
     |                          ^^^^^ did you mean "score"?
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// baseSchema returns the schema the checker cases share.
func baseSchema(t *testing.T) []byte {
	t.Helper()
	for _, f := range readArchive(t, "../testdata/check/_base.txtar").Files {
		if f.Name == "schema.journey" {
			return f.Data
		}
	}
	t.Fatal("no schema.journey in _base.txtar")
	return nil
}
