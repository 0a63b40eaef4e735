package diag

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/lang/pos"
)

// at returns a one-byte span at a byte offset of a one-line file.
func at(offset int32) pos.Span {
	return pos.Span{
		Start: pos.Pos{Offset: offset, Line: 1, Col: offset + 1},
		End:   pos.Pos{Offset: offset + 1, Line: 1, Col: offset + 2},
	}
}

func TestError(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "a.journey", Range: at(4), Message: "bad"}, "a.journey:1:5: bad"},
		{Diagnostic{File: "a.journey", Range: at(0), Severity: Warning, Message: "odd"}, "a.journey:1:1: warning: odd"},
		{Diagnostic{File: "a.journey", Range: at(0), Severity: Info, Message: "note"}, "a.journey:1:1: info: note"},
		{Diagnostic{File: "a.journey", Message: "no journey"}, "a.journey: no journey"},
		{Diagnostic{Range: at(2), Message: "bad"}, "1:3: bad"},
		{Diagnostic{Message: "bad"}, "bad"},
	}
	for _, tt := range tests {
		if got := tt.d.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestSeverityText(t *testing.T) {
	for _, s := range []Severity{Error, Warning, Info} {
		text, err := s.MarshalText()
		if err != nil {
			t.Fatalf("MarshalText(%v): %v", s, err)
		}
		if string(text) != s.String() {
			t.Errorf("MarshalText(%v) = %q, want %q", s, text, s.String())
		}
		var back Severity
		if err := back.UnmarshalText(text); err != nil || back != s {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", text, back, err, s)
		}
	}
	if got := Severity(7).String(); got != "Severity(7)" {
		t.Errorf("String of a bad severity = %q", got)
	}
	if _, err := Severity(7).MarshalText(); err == nil {
		t.Error("MarshalText of a bad severity: no error")
	}
	var s Severity
	if err := s.UnmarshalText([]byte("fatal")); err == nil {
		t.Error(`UnmarshalText("fatal"): no error`)
	}
}

func TestSort(t *testing.T) {
	l := List{
		{File: "b.journey", Range: at(0), Message: "b0"},
		{File: "a.journey", Range: at(9), Message: "a9"},
		{File: "a.journey", Range: at(3), Severity: Warning, Message: "a3 warning"},
		{File: "a.journey", Range: at(3), Severity: Info, Message: "a3 info"},
		{File: "a.journey", Range: at(3), Message: "a3 error first"},
		{File: "a.journey", Range: at(3), Message: "a3 error second"},
		{File: "", Message: "no file"},
	}
	l.Sort()
	var got []string
	for _, d := range l {
		got = append(got, d.Message)
	}
	want := []string{"no file", "a3 error first", "a3 error second", "a3 warning", "a3 info", "a9", "b0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sort (-want +got):\n%s", diff)
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		name           string
		l              List
		errs, warnings int
		hasErrors      bool
	}{
		{"empty", nil, 0, 0, false},
		{"warnings and info", List{{Severity: Warning}, {Severity: Info}, {Severity: Warning}}, 0, 2, false},
		{"mixed", List{{Severity: Error}, {Severity: Warning}, {Severity: Error}, {Severity: Info}}, 2, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, warnings := tt.l.Count()
			if errs != tt.errs || warnings != tt.warnings {
				t.Errorf("Count() = %d, %d; want %d, %d", errs, warnings, tt.errs, tt.warnings)
			}
			if got := tt.l.HasErrors(); got != tt.hasErrors {
				t.Errorf("HasErrors() = %v, want %v", got, tt.hasErrors)
			}
		})
	}
}
