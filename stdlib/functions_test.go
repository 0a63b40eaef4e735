package stdlib_test

import (
	"testing"
	"time"

	"github.com/google/cel-go/cel"

	"github.com/journeylang/journey/stdlib"
)

// history is a Context over a fixed contact history.
type history struct {
	now     time.Time
	opened  map[string]bool
	clicked map[string]bool
	events  map[string][]time.Time
	tags    map[string]bool
	stages  map[string]string // journey → stage
}

func (h history) Now() time.Time           { return h.now }
func (h history) Location() *time.Location { return time.UTC }
func (h history) Opened(t string) bool     { return h.opened[t] }
func (h history) Clicked(t string) bool    { return h.clicked[t] }
func (h history) HasTag(t string) bool     { return h.tags[t] }
func (h history) InStage(j, s string) bool { return h.stages[j] == s }
func (h history) Count(e string, within time.Duration) int {
	n := 0
	for _, at := range h.events[e] {
		if !at.Before(h.now.Add(-within)) && !at.After(h.now) {
			n++
		}
	}
	return n
}

// TestFunctions compiles conditions as the checker does (library calls
// rewritten to take the hidden context) and evaluates them.
func TestFunctions(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := history{
		now:     now,
		opened:  map[string]bool{"welcome": true},
		clicked: map[string]bool{"roi-guide": true},
		events: map[string][]time.Time{"page_viewed": {
			now.Add(-1 * time.Hour), now.Add(-6 * 24 * time.Hour), now.Add(-8 * 24 * time.Hour),
		}},
		tags:   map[string]bool{"vip": true},
		stages: map[string]string{"onboarding": "Activated"},
	}
	env, err := cel.NewEnv(append(stdlib.Declarations(), cel.Variable("last_login", cel.TimestampType))...)
	if err != nil {
		t.Fatal(err)
	}
	opt, err := cel.NewStaticOptimizer(stdlib.ContextRewriter{})
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{
		stdlib.ContextVar: stdlib.NewContextValue(h),
		"last_login":      now.Add(-(14*24 + 5) * time.Hour),
	}
	tests := map[string]bool{
		`days_since(last_login) == 14`:                   true,
		`hours_since(last_login) == 341`:                 true,
		`opened("welcome") && !opened("roi-guide")`:      true,
		`clicked("roi-guide") && !clicked("welcome")`:    true,
		`count("page_viewed", duration("168h")) == 2`:    true,
		`count("page_viewed", duration("240h")) == 3`:    true,
		`count("form_submitted", duration("240h")) == 0`: true,
		`has_tag("vip") && !has_tag("churned")`:          true,
		`in_stage("onboarding", "Activated")`:            true,
		`in_stage("onboarding", "Trial")`:                false,
	}
	for src, want := range tests {
		ast, iss := env.Compile(src)
		if iss.Err() != nil {
			t.Fatalf("%s: %v", src, iss.Err())
		}
		ast, iss = opt.Optimize(env, ast)
		if iss.Err() != nil {
			t.Fatalf("%s: %v", src, iss.Err())
		}
		prg, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := prg.Eval(vars)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if out.Value() != want {
			t.Errorf("%s = %v, want %v", src, out.Value(), want)
		}
	}
}
