package stdlib_test

import (
	"strings"
	"testing"

	"github.com/journeylang/journey/compiler"
)

// check checks one journey whose conditions are conds, in a workspace that
// uses the standard CRM schema plus a trial_ends field, and returns its
// diagnostics as text.
func check(t *testing.T, conds ...string) string {
	t.Helper()
	var j strings.Builder
	j.WriteString("journey j\n\n")
	for _, c := range conds {
		j.WriteString("exit when " + c + "\n")
	}
	j.WriteString("stage A\n")
	ws := compiler.NewWorkspace(map[string][]byte{
		"schema.journey": []byte("use crm\n\ncontact {\n  trial_ends: timestamp?\n}\n\nevent page_viewed { path: string }\n"),
		"j.journey":      []byte(j.String()),
	}, map[string][]byte{"proposal.md": []byte("subject: Proposal\n"), "roi-guide.md": []byte("subject: ROI\n")})
	_, diags := compiler.Check(ws)
	var out []string
	for _, d := range diags {
		out = append(out, d.Error()+" / "+d.Suggestion)
	}
	return strings.Join(out, "\n")
}

// TestChecked checks the checker accepts the library as the documentation
// writes it, with no warning: a zero-argument call reads the clock, so a
// condition of one is not constant.
func TestChecked(t *testing.T) {
	conds := []string{
		`has(contact.last_login) && days_since(last_login) >= 14`,
		`has(contact.last_opened) && hours_since(last_opened) < 24`,
		`has(contact.renewal_date) && days_until(renewal_date) <= 90`,
		`has(contact.trial_ends) && hours_until(trial_ends) <= 24`,
		`has(contact.last_clicked) && business_days_since(last_clicked) >= 2`,
		`local_hour() >= 9 && local_hour() < 17`,
		`local_weekday() in ["tue", "wed", "thu"]`,
		`!is_weekend()`,
		`is_weekend()`,
		`opened("proposal") && !clicked("roi-guide")`,
		`count("page_viewed", 7d) >= 2`,
		`has_tag("vip") || in_stage("j", "A")`,
	}
	if got := check(t, conds...); got != "" {
		t.Errorf("diagnostics:\n%s", got)
	}
}

// TestCheckerErrors checks the checker's messages about the new functions:
// a misspelt name gets a suggestion, and a wrong argument the signature.
func TestCheckerErrors(t *testing.T) {
	tests := map[string]string{
		`local_houre() > 3`:                   `unknown function "local_houre" / local_hour`,
		`business_days_sinse(last_login) > 3`: `unknown function "business_days_sinse" / business_days_since`,
		`days_until(3) > 3`:                   `days_until(int) does not fit days_until(timestamp) -> int`,
		`local_hour(now) > 3`:                 `local_hour(timestamp) does not fit local_hour() -> int`,
		`local_weekday() == 3`:                `string == int`,
	}
	for src, want := range tests {
		got := check(t, src)
		if got == "" {
			t.Errorf("%s: no diagnostic", src)
			continue
		}
		if !strings.Contains(got, want) {
			t.Errorf("%s: %s, want it to mention %q", src, got, want)
		}
	}
}
