package compiler

import (
	"strings"
	"testing"
)

func TestFindFilterCalls(t *testing.T) {
	for _, tt := range []struct {
		text   string
		events []string // of the calls found, in order
		texts  []string // their filters
	}{
		{`count("page_viewed", 7d) > 1`, nil, nil},
		{`count("page_viewed", 7d, event.path == "/p, (x)") > 1`, []string{"page_viewed"}, []string{`event.path == "/p, (x)"`}},
		{`count( "a" , 1d ,  f(x, [1, 2]) && y ) + count("b", 2d, z)`, []string{"a", "b"}, []string{`f(x, [1, 2]) && y`, "z"}},
		{`x.count("a", 1d, y)`, nil, nil},                // a member call is another function
		{`recount("a", 1d, y)`, nil, nil},                // so is a longer name
		{`"count(\"a\", 1d, y)"`, nil, nil},              // inside a string
		{`count(e, 1d, y)`, []string{""}, []string{"y"}}, // no name in quotes
		{`count("a", 1d, count("b", 1d, z) > 0)`, []string{"a"}, []string{`count("b", 1d, z) > 0`}},
		{`count("a", 1d, y`, nil, nil}, // unclosed
		{`count("a", 1d, y]`, nil, nil},
	} {
		calls := findFilterCalls(tt.text)
		var events, texts []string
		for _, c := range calls {
			events = append(events, c.event)
			texts = append(texts, tt.text[c.filterFrom:c.filterTo])
		}
		if strings.Join(events, "|") != strings.Join(tt.events, "|") || strings.Join(texts, "|") != strings.Join(tt.texts, "|") {
			t.Errorf("findFilterCalls(%s) = %q %q, want %q %q", tt.text, events, texts, tt.events, tt.texts)
		}
	}
}

// FuzzFindFilterCalls: no text makes the search panic, and every span it
// gives lies inside the text, in order.
func FuzzFindFilterCalls(f *testing.F) {
	for _, s := range []string{`count("a", 1d, event.x == "y")`, `count(`, `count("a",`, `count("a", 1d, ')')`, `count(((`, `count("a", 1d, [}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, c := range findFilterCalls(text) {
			if c.filterFrom < 0 || c.filterFrom > c.filterTo || c.filterTo > len(text) || c.callEnd > len(text) || c.callFrom >= c.callEnd {
				t.Fatalf("span out of the text %q: %+v", text, c)
			}
		}
	})
}
