package diag

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/lang/pos"
)

// span returns the span of the first occurrence of sub in src, failing the
// test if there is none.
func span(t *testing.T, src, sub string) pos.Span {
	t.Helper()
	i := bytes.Index([]byte(src), []byte(sub))
	if i < 0 {
		t.Fatalf("%q not in source", sub)
	}
	return pos.NewLines([]byte(src)).Span(i, i+len(sub))
}

func TestRender(t *testing.T) {
	const lead = "journey lead \"Lead\"\n\nstage A {\n  sned \"welcome\"\n}\n"
	tests := []struct {
		name string
		src  string // "" renders with nil source
		at   string // the range is the first occurrence of at in src…
		none bool   // …unless none is set or d.Range is
		d    Diagnostic
		want string
	}{{
		name: "suggestion",
		src:  lead,
		at:   "sned",
		d:    Diagnostic{File: "lead.journey", Message: `unknown step "sned"`, Suggestion: "send"},
		want: `lead.journey:4:3: unknown step "sned"
   4 |   sned "welcome"
     |   ^^^^ did you mean "send"?
`,
	}, {
		name: "warning with detail",
		src:  lead,
		at:   `"welcome"`,
		d: Diagnostic{
			Severity: Warning, File: "lead.journey", Message: "template is sent twice",
			Detail: "the first send is on line 2\nremove one of them",
		},
		want: `lead.journey:4:8: warning: template is sent twice
   4 |   sned "welcome"
     |        ^^^^^^^^^
     = the first send is on line 2
       remove one of them
`,
	}, {
		name: "info",
		src:  lead,
		at:   "stage",
		d:    Diagnostic{Severity: Info, File: "lead.journey", Message: "stage has no trigger"},
		want: `lead.journey:3:1: info: stage has no trigger
   3 | stage A {
     | ^^^^^
`,
	}, {
		name: "tabs are copied into the padding",
		src:  "stage A {\n\tafter 2d\tsend x\n}\n",
		at:   "send",
		d:    Diagnostic{File: "t.journey", Message: "bad send"},
		want: "t.journey:2:11: bad send\n" +
			"   2 | \tafter 2d\tsend x\n" +
			"     | \t        \t^^^^\n",
	}, {
		name: "a multi-byte character is one column",
		src:  "notify sales \"Café ☕ ok\" x\n",
		at:   "x",
		d:    Diagnostic{File: "u.journey", Message: "unexpected name"},
		want: "u.journey:1:29: unexpected name\n" +
			"   1 | notify sales \"Café ☕ ok\" x\n" +
			"     |                          ^\n",
	}, {
		name: "carets count characters, not bytes",
		src:  "tag \"über\"\n",
		at:   "\"über\"",
		d:    Diagnostic{File: "u.journey", Message: "unknown tag"},
		want: "u.journey:1:5: unknown tag\n" +
			"   1 | tag \"über\"\n" +
			"     |     ^^^^^^\n",
	}, {
		name: "a range over several lines is underlined to the end of the first",
		src:  lead,
		at:   "A {\n  sned",
		d:    Diagnostic{File: "lead.journey", Message: "stage body is empty"},
		want: `lead.journey:3:7: stage body is empty
   3 | stage A {
     |       ^^^
`,
	}, {
		name: "an empty range gets one caret",
		src:  lead,
		at:   "",
		d:    Diagnostic{File: "lead.journey", Message: "expected a journey"},
		want: `lead.journey:1:1: expected a journey
   1 | journey lead "Lead"
     | ^
`,
	}, {
		name: "the end of a line",
		src:  "stage A {\n",
		at:   "\n",
		d:    Diagnostic{File: "e.journey", Message: "expected }"},
		want: `e.journey:1:10: expected }
   1 | stage A {
     |          ^
`,
	}, {
		name: "carriage return is not printed",
		src:  "send x\r\n",
		at:   "x",
		d:    Diagnostic{File: "crlf.journey", Message: "no template"},
		want: "crlf.journey:1:6: no template\n" +
			"   1 | send x\n" +
			"     |      ^\n",
	}, {
		name: "a long line is cut around the range",
		src:  "exit when " + strings.Repeat("a && ", 40) + "bad + " + strings.Repeat("b || ", 60) + "\n",
		at:   "bad",
		d:    Diagnostic{File: "long.journey", Message: "undefined field \"bad\""},
		want: "long.journey:1:211: undefined field \"bad\"\n" +
			"   1 | …" + strings.Repeat("a && ", 12) + "bad + " + strings.Repeat("b || ", 26) + "b ||…\n" +
			"     |  " + strings.Repeat(" ", 60) + "^^^\n",
	}, {
		name: "a long line is cut at its end only near its start",
		src:  "send \"" + strings.Repeat("é", 150) + "\"\n",
		at:   "send",
		d:    Diagnostic{File: "long.journey", Message: "no template"},
		want: "long.journey:1:1: no template\n" +
			"   1 | send \"" + strings.Repeat("é", 97) + "…\n" +
			"     | ^^^^\n",
	}, {
		name: "a range past the cut is underlined to it",
		src:  strings.Repeat("x", 300) + "\n",
		at:   strings.Repeat("x", 250),
		d:    Diagnostic{File: "long.journey", Message: "too long"},
		want: "long.journey:1:1: too long\n" +
			"   1 | " + strings.Repeat("x", 200) + "…\n" +
			"     | " + strings.Repeat("^", 200) + "\n",
	}, {
		name: "missing source prints the header only",
		at:   "",
		d: Diagnostic{
			File: "gone.journey", Message: "unknown step", Suggestion: "send", Detail: "more",
			Range: pos.Span{Start: pos.Pos{Offset: 4, Line: 1, Col: 5}, End: pos.Pos{Offset: 8, Line: 1, Col: 9}},
		},
		want: "gone.journey:1:5: unknown step\n",
	}, {
		name: "a line that is not in the source prints the header only",
		src:  "send x\n",
		d: Diagnostic{
			File: "short.journey", Message: "stale position",
			Range: pos.Span{Start: pos.Pos{Offset: 90, Line: 9, Col: 1}, End: pos.Pos{Offset: 91, Line: 9, Col: 2}},
		},
		want: "short.journey:9:1: stale position\n",
	}, {
		name: "no position",
		src:  "send x\n",
		none: true,
		d:    Diagnostic{File: "whole.journey", Message: "file declares no journey"},
		want: "whole.journey: file declares no journey\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var src []byte
			if tt.src != "" {
				src = []byte(tt.src)
				if !tt.d.Range.IsValid() && !tt.none {
					tt.d.Range = span(t, tt.src, tt.at)
				}
			}
			var got bytes.Buffer
			Render(&got, tt.d, src)
			if diff := cmp.Diff(tt.want, got.String()); diff != "" {
				t.Errorf("Render (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderAll(t *testing.T) {
	sources := map[string][]byte{
		"a.journey": []byte("send x\n"),
		"b.journey": []byte("tag y\n"),
	}
	l := List{
		{File: "a.journey", Message: "one", Range: span(t, "send x\n", "x")},
		{File: "b.journey", Severity: Warning, Message: "two", Range: span(t, "tag y\n", "tag")},
		{File: "c.journey", Message: "three", Range: span(t, "tag y\n", "y")},
	}
	want := `a.journey:1:6: one
   1 | send x
     |      ^
b.journey:1:1: warning: two
   1 | tag y
     | ^^^
c.journey:1:5: three
`
	var got bytes.Buffer
	RenderAll(&got, l, sources)
	if diff := cmp.Diff(want, got.String()); diff != "" {
		t.Errorf("RenderAll (-want +got):\n%s", diff)
	}
}

// TestRenderAllCap checks that RenderAll writes the first MaxShownPerFile
// diagnostics of a file and counts the others on one line after them.
func TestRenderAllCap(t *testing.T) {
	src := "x\n"
	var l List
	for i := range MaxShownPerFile + 5 {
		sev := Error
		if i >= MaxShownPerFile+3 {
			sev = Warning
		}
		l = append(l, Diagnostic{File: "g.journey", Severity: sev, Message: fmt.Sprintf("m%d", i), Range: span(t, src, "x")})
	}
	l = append(l, Diagnostic{File: "h.journey", Message: "last", Range: span(t, src, "x")})
	var got bytes.Buffer
	RenderAll(&got, l, map[string][]byte{"g.journey": []byte(src), "h.journey": []byte(src)})
	lines := strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n")
	// Three lines for each diagnostic shown, then the count, then h's.
	if n, want := len(lines), 3*MaxShownPerFile+1+3; n != want {
		t.Fatalf("%d lines, want %d:\n%s", n, want, got.String())
	}
	if want := fmt.Sprintf("g.journey:1:1: m%d", MaxShownPerFile-1); lines[3*(MaxShownPerFile-1)] != want {
		t.Errorf("last shown = %q, want %q", lines[3*(MaxShownPerFile-1)], want)
	}
	if got, want := lines[3*MaxShownPerFile], "g.journey: and 3 more errors and 2 warnings"; got != want {
		t.Errorf("count line = %q, want %q", got, want)
	}
	if got, want := lines[3*MaxShownPerFile+1], "h.journey:1:1: last"; got != want {
		t.Errorf("next file = %q, want %q", got, want)
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"send x":       "send x",
		"a\tb":         "a\tb",
		"a\x1b[31mb":   "a?[31mb",
		"caf\xc3":      "caf?",
		"\xff\xfe x é": "?? x é",
		"a\u0085b":     "a??b",
		"ok\x00\x7f":   "ok??",
	} {
		if got := string(printable([]byte(in))); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMoreOf(t *testing.T) {
	for _, tt := range []struct {
		errs, warnings int
		want           string
	}{
		{1, 0, "1 more error"},
		{2, 0, "2 more errors"},
		{0, 1, "1 more warning"},
		{0, 3, "3 more warnings"},
		{2, 1, "2 more errors and 1 warning"},
	} {
		if got := moreOf(tt.errs, tt.warnings); got != tt.want {
			t.Errorf("moreOf(%d, %d) = %q, want %q", tt.errs, tt.warnings, got, tt.want)
		}
	}
}

func TestJSON(t *testing.T) {
	src := "stage A {\n  sned \"welcome\"\n}\n"
	l := List{{
		Code: "UnknownStep", File: "lead.journey", Range: span(t, src, "sned"),
		Message: `unknown step "sned"`, Suggestion: "send",
	}, {
		Severity: Warning, Code: "UnusedStage", File: "lead.journey", Range: span(t, src, "A"),
		Message: "stage A is never reached", Detail: "no trigger and no goto",
	}}
	want := `[
  {
    "file": "lead.journey",
    "severity": "error",
    "code": "UnknownStep",
    "message": "unknown step \"sned\"",
    "suggestion": "send",
    "range": {
      "start": {
        "offset": 12,
        "line": 2,
        "column": 3
      },
      "end": {
        "offset": 16,
        "line": 2,
        "column": 7
      }
    }
  },
  {
    "file": "lead.journey",
    "severity": "warning",
    "code": "UnusedStage",
    "message": "stage A is never reached",
    "detail": "no trigger and no goto",
    "range": {
      "start": {
        "offset": 6,
        "line": 1,
        "column": 7
      },
      "end": {
        "offset": 7,
        "line": 1,
        "column": 8
      }
    }
  }
]`
	got, err := l.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}

	var back List
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l, back); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
}

func TestJSONEmpty(t *testing.T) {
	for _, l := range []List{nil, {}} {
		got, err := l.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "[]" {
			t.Errorf("JSON of %#v = %s, want []", l, got)
		}
	}
}
