package diag

import "testing"

func TestSuggest(t *testing.T) {
	steps := []string{"send", "notify", "task", "set", "tag", "untag", "webhook", "goto", "next", "exit", "if", "split", "wait"}
	tests := []struct {
		name       string
		candidates []string
		want       string
	}{
		{"sned", steps, "send"},            // transposition is one edit
		{"notfy", steps, "notify"},         // deletion
		{"webhoook", steps, "webhook"},     // insertion
		{"sent", steps, "send"},            // substitution; "set" is as close but sorts later
		{"Send", steps, "send"},            // case counts as an edit
		{"xyz", steps, ""},                 // nothing close
		{"sendd", steps, "send"},           // limit is max(1, 5/3) = 1
		{"waitfor", steps, ""},             // three edits from "wait"; limit 2
		{"untga", steps, "untag"},          // transposition at the end
		{"send", steps, ""},                // an exact match is not a suggestion
		{"x", nil, ""},                     // no candidates
		{"", []string{"a", "bb"}, "a"},     // empty name: one insertion
		{"café", []string{"cafe"}, "cafe"}, // runes, not bytes
		{"lifecycel", []string{"lifecycle", "lastlogin"}, "lifecycle"},
	}
	for _, tt := range tests {
		if got := Suggest(tt.name, tt.candidates); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSuggestTies(t *testing.T) {
	// "bat" is one edit from each; the first in sorted order wins whatever
	// the order given.
	for _, candidates := range [][]string{
		{"cat", "bad", "bar"},
		{"bar", "cat", "bad"},
		{"bad", "bar", "cat"},
	} {
		if got := Suggest("bat", candidates); got != "bad" {
			t.Errorf("Suggest(bat, %q) = %q, want bad", candidates, got)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"sned", "send", 1},
		{"ca", "abc", 3}, // optimal string alignment: no edit after a swap
		{"über", "uber", 1},
		{"flaw", "lawn", 2},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := distance(tt.b, tt.a); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestSuggestSkipsByLength(t *testing.T) {
	// Candidates too long or short to be close are passed over unmeasured;
	// the closest of the others wins, then the first in sorted order.
	for _, candidates := range [][]string{
		{"welcome-email-for-new-customers", "welcmoe", "wel", "welcom", "welcomes"},
		{"welcomes", "welcom", "wel", "welcmoe", "welcome-email-for-new-customers"},
	} {
		if got := Suggest("welcome", candidates); got != "welcmoe" {
			t.Errorf("Suggest(welcome, %q) = %q, want welcmoe", candidates, got)
		}
	}
	if got := Suggest("abc", []string{"abcdefgh", "a"}); got != "" {
		t.Errorf("Suggest(abc) = %q, want none", got)
	}
}
