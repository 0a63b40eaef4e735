package main

import (
	"testing"

	"github.com/journeylang/journey/lang/diag"
)

// The parser reports no warnings yet, so the scripts cannot reach the
// warning cases; these tests pin them down.

func TestVerdict(t *testing.T) {
	warning := diag.Diagnostic{Severity: diag.Warning, Message: "w"}
	info := diag.Diagnostic{Severity: diag.Info, Message: "i"}
	bad := diag.Diagnostic{Severity: diag.Error, Message: "e"}
	tests := []struct {
		name   string
		l      diag.List
		strict bool
		want   int
	}{
		{"nothing", nil, false, exitOK},
		{"nothing, strict", nil, true, exitOK},
		{"warnings pass", diag.List{warning, info}, false, exitOK},
		{"warnings fail when strict", diag.List{warning}, true, exitFindings},
		{"info passes when strict", diag.List{info}, true, exitOK},
		{"errors fail", diag.List{info, bad}, false, exitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verdict(tt.l, tt.strict); got != tt.want {
				t.Errorf("verdict = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		errs, warnings int
		want           string
	}{
		{0, 0, ""},
		{1, 0, "1 error"},
		{2, 0, "2 errors"},
		{0, 1, "1 warning"},
		{0, 3, "3 warnings"},
		{2, 1, "2 errors, 1 warning"},
		{1, 2, "1 error, 2 warnings"},
	}
	for _, tt := range tests {
		if got := summarize(tt.errs, tt.warnings); got != tt.want {
			t.Errorf("summarize(%d, %d) = %q, want %q", tt.errs, tt.warnings, got, tt.want)
		}
	}
}
