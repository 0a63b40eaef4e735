// Package synth writes synthetic Journey sources for the benchmarks of the
// front end and the checker: a workspace of realistic journeys, a journey
// nested close to the parser's nesting limit, and one file close to its
// size limit.
//
// Input: a size. Output: source text, the same on every run for the same
// size. Every text parses without a diagnostic; Deep and Large also check
// clean in a workspace with Schema.
package synth

import (
	"fmt"
	"strings"
)

// File is one generated source file.
type File struct {
	Name string
	Src  []byte
}

// Schema declares what Deep and Large use: a workspace of it and one of
// them checks without a diagnostic.
const Schema = `contact {
  email:     string
  score:     int
  lifecycle: enum(lead, mql, sql, customer)
  tags:      list<string>
  company: {
    size: int
  }
}

event page_viewed    { path: string }
event meeting_booked { rep: string }

team sales
`

// Deep returns a journey of stages stages, each nesting blocks depth
// levels deep (the stage's own block is level 1): `if … else`, `wait …
// timeout` and two-armed `split`s in turn, innermost first to last, with
// a step in every block. The text is formatted already.
func Deep(stages, depth int) []byte {
	g := &deep{depth: depth}
	g.b.WriteString("journey deep \"Deep\"\n\nentry on page_viewed\n")
	for s := range stages {
		g.stage = s
		fmt.Fprintf(&g.b, "\nstage S%d when score >= %d {\n", s, s)
		g.block(1)
		g.b.WriteString("}\n")
	}
	return []byte(g.b.String())
}

// deep writes Deep's text.
type deep struct {
	b     strings.Builder
	depth int // levels of the deepest block
	stage int // the stage being written
}

// line writes one line at level's indentation.
func (g *deep) line(level int, format string, args ...any) {
	for range level {
		g.b.WriteString("  ")
	}
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteByte('\n')
}

// block writes the steps of a block at level.
func (g *deep) block(level int) {
	g.line(level, "tag \"l%d\"", level)
	if level >= g.depth {
		g.line(level, "exit \"deepest\"")
		return
	}
	switch {
	case level%3 == 2 && level+2 <= g.depth:
		g.line(level, "split s%d_%d {", g.stage, level)
		g.line(level+1, "50%% a {")
		g.block(level + 2)
		g.line(level+1, "}")
		g.line(level+1, "50%% b {")
		g.line(level+2, "untag \"l%d\"", level)
		g.line(level+1, "}")
		g.line(level, "}")
	case level%3 == 1:
		g.line(level, "after 1d wait for page_viewed when event.path == \"/l%d\" within 2d {", level)
		g.block(level + 1)
		g.line(level, "} timeout {")
		g.line(level+1, "untag \"l%d\"", level)
		g.line(level, "}")
	default:
		g.line(level, "if score > %d && company.size < %d {", level, 1000-level)
		g.block(level + 1)
		g.line(level, "} else {")
		g.line(level+1, "set score = score + %d", level)
		g.line(level, "}")
	}
}

// Large returns one journey of as many stages as fit in size bytes, each
// with conditions, delays, a branch, a split and a wait. The text is
// formatted already.
func Large(size int) []byte {
	var b strings.Builder
	b.WriteString(largeHeader)
	for i := 0; ; i++ {
		stage := fmt.Sprintf(largeStage, i, i%100, 10*(i%50+1), i, i, i, i)
		if b.Len()+len(stage) > size {
			break
		}
		b.WriteString(stage)
	}
	return []byte(b.String())
}

const largeHeader = `journey large "Large"

entry    on page_viewed when event.path.startsWith("/pricing")
exit     when lifecycle == "customer" || "churned" in tags
goal     sql when lifecycle == "sql"
suppress when score < 0
window   09:00-18:00 mon-fri
cap      3 sends per 7d
reenter  after 90d
`

// largeStage is one stage of Large, numbered by its first argument.
const largeStage = `
stage S%d when score >= %d && company.size > %d {
  tag "s%d"
  after 2d if lifecycle == "mql" && !("vip" in tags) {
    notify sales "Account {{.email}} is warming up"
  } else {
    set score = score + 5
  }
  after 4d split ab%d {
    50%% a {
      tag "a%d"
    }
    50%% b {}
  }
  after 7d wait for meeting_booked within 3d {
    task "Prepare the call with {{.email}}" for owner due 1d
  } timeout {
    untag "s%d"
  }
}
`
