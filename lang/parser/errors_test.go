package parser_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/lang/parser"
)

// TestMalformed checks the first diagnostic for malformed inputs: its
// position and its whole message. j is a journey header the cases share.
func TestMalformed(t *testing.T) {
	const j = "journey j\n"
	tests := []struct {
		name, src, want string
	}{
		{"unterminated block", j + "stage A {\n  send \"x\"\n", `2:9: unterminated block: this '{' has no closing '}'`},
		{"unterminated angle block", j + "stage A < send \"x\"\n", `2:9: unterminated block: this '<' has no closing '>'`},
		{"stray >", j + "stage A {\n  send \"x\" >\n}\n", `3:12: stray '>': nothing is open here for it to close`},
		{"stray }", j + "}\nstage A {}\n", `2:1: stray '}': nothing open here to close`},
		{"brace closes angle", j + "stage A < send \"x\" }\n", `2:9: unterminated block: this '<' has no closing '>'`},
		{"missing duration unit", j + "stage A {\n  after 3 send \"x\"\n}\n", `3:9: duration 3 needs a unit: 3s, 3m, 3h, 3d or 3w`},
		{"missing unit in within", j + "stage A {\n  wait for e within 7 { next }\n}\n", `3:21: duration 7 needs a unit: 7s, 7m, 7h, 7d or 7w`},
		{"missing unit in cap", j + "cap 3 sends per 7\n", `2:17: duration 7 needs a unit: 7s, 7m, 7h, 7d or 7w`},
		{"unknown duration unit", j + "stage A {\n  after 3x send \"x\"\n}\n", `3:9: unknown duration unit "x" in 3x: use s, m, h, d, w or bd (business days)`},
		{"fractional duration", j + "stage A {\n  after 1.5d send \"x\"\n}\n", `3:9: invalid duration 1.5d: write whole numbers of a unit, such as 1d12h`},
		{"split weight without percent", j + "stage A {\n  split {\n    50 a {}\n    50% b {}\n  }\n}\n", `4:5: split weight 50 needs a percent sign: 50%`},
		{"split weight with space", j + "stage A {\n  split {\n    50 % a {}\n  }\n}\n", `4:5: write the split weight without a space: 50%`},
		{"split arm without name", j + "stage A {\n  split {\n    50% { send \"x\" }\n  }\n}\n", `4:9: unexpected '{'; expected a name`},
		{"unknown step", j + "stage A {\n  sned \"x\"\n}\n", `3:3: unknown step "sned"`},
		{"unknown step in angle block", j + "stage A < emial \"x\" >\n", `2:11: unknown step "emial"`},
		{"unterminated string", j + "stage A {\n  send \"x\n}\n", `3:8: unterminated string: it needs a closing " on the same line`},
		{"single-quoted string", j + "stage A {\n  send 'x'\n}\n", `3:8: strings are written in double quotes`},
		{"bad escape", j + "stage A {\n  send \"a\\qb\"\n}\n", `3:8: invalid escape in string "a\qb": the escapes are Go's, such as \n, \t, \", \\ and \uHHHH`},
		{"unterminated string in condition", j + "exit when name == \"x\n", `2:19: unterminated string: it needs a closing " on the same line`},
		{"missing condition", j + "stage A when {\n  send \"x\"\n}\n", "2:13: missing condition after `when`"},
		{"missing if condition", j + "stage A {\n  if { next }\n}\n", "3:5: missing condition after `if`"},
		{"missing exit condition", j + "exit when\n", "2:10: missing condition after `when`"},
		{"missing template", j + "stage A {\n  send\n}\n", `4:1: unexpected '}'; expected a string`},
		{"unknown declaration", "journy j\n", `1:1: unknown declaration "journy"`},
		{"after a byte-order mark", "\ufeffjourny j\n", `1:1: unknown declaration "journy"`},
		{"stage outside a journey", "stage A {\n  send \"x\"\n}\n", "1:1: stage outside a journey: start the file with `journey NAME`"},
		{"journey without name", "journey \"Title\"\n", `1:9: unexpected string "Title"; expected a name`},
		{"else without block", j + "stage A {\n  if x { next } else\n}\n", `4:1: unexpected '}'; expected 'if' or a block`},
		{"entry events without comma", j + "entry on a b when x\n", "2:12: unexpected \"b\": separate the events of a trigger with commas, as in `on a, b`"},
		{"stage events without comma", j + "stage S on a, b c {}\n", "2:17: unexpected \"c\": separate the events of a trigger with commas, as in `on b, c`"},
		{"wait events without comma", j + "stage A {\n  wait for a b within 1d {}\n}\n", "3:14: unexpected \"b\": separate the events of a trigger with commas, as in `for a, b`"},
		{"trailing comma in events", j + "entry on a,\n", `2:12: unexpected end of input; expected a name`},
		{"comma before when", j + "stage S on a, when x {}\n", "2:13: the events of this trigger end with a comma: name another event after it, or remove it before `when`"},
		{"comma before within", j + "stage A {\n  wait for a, within 1d {}\n}\n", "3:13: the events of this trigger end with a comma: name another event after it, or remove it before `within`"},
		{"wait without within", j + "stage A {\n  wait for e { next }\n}\n", `3:14: unexpected '{'; expected 'within'`},
		{"wait without event", j + "stage A {\n  wait within 3d { next }\n}\n", `3:8: unexpected "within"; expected 'for'`},
		{"timeout without block", j + "stage A {\n  wait for e within 1d { next } timeout\n}\n", `4:1: unexpected '}'; expected a block`},
		{"field without type", "contact {\n  email:\n  score: int\n}\n", `2:3: field "email" has no type`},
		{"unclosed list type", "contact {\n  tags: list<string\n}\n", `2:13: unterminated type: this '<' has no closing '>'`},
		{"map without value type", "contact {\n  m: map<string>\n}\n", `2:16: unexpected '>'; expected ','`},
		{"unexpected character", j + "stage A {\n  send @\"x\"\n}\n", `3:8: unexpected character '@'`},
		{"invalid UTF-8", j + "stage A {\n  send \xff\"x\"\n}\n", `3:8: invalid UTF-8 byte 0xFF: source is UTF-8 text`},
		{"cap without count", j + "cap sends per 7d\n", `2:5: unexpected "sends"; expected a whole number`},
		{"window without minutes", j + "window 9-18 mon-fri\n", `2:8: unexpected number 9; expected a time such as 09:00`},
		{"entry without trigger", j + "entry\n", "2:1: entry needs a trigger: `entry on EVENT`, `entry on EVENT when CONDITION` or `entry when CONDITION`"},
		{"reenter without value", j + "reenter\n", `2:8: unexpected end of input; expected 'never' or 'after' and a duration`},
		{"test time without unit", "test \"x\" {\n  at 3 event e\n}\n", `2:6: test time 3 needs a unit, such as 3d or 3h; only 0 is written bare`},
		{"expect stage without name", "test \"x\" {\n  expect stage\n}\n", `3:1: unexpected '}'; expected a name`},
		{"unknown test statement", "test \"x\" {\n  expct stage A\n}\n", `2:3: unknown test statement "expct"`},
		{"test without name", "test {\n}\n", `1:6: unexpected '{'; expected a string`},
		{"set without value", j + "stage A {\n  set score =\n}\n", `4:1: unexpected '}'; expected a condition`},
		{"after without step", j + "stage A {\n  after 1d\n}\n", "4:1: `after 1d` needs a step to delay, such as `after 1d send \"welcome\"`"},
		{"after with unknown step", j + "stage A < after 3d sned \"x\" >\n", `2:20: unknown step "sned"`},
		{"two stages on a line", j + "stage A {} stage B {}\n", `2:12: unexpected "stage": start each declaration, clause and stage on a line of its own`},
		{"stage after an event declaration", j + "stage A\nevent e\nstage B\n", "4:1: stage outside a journey: a journey's clauses and stages follow its header, before any contact, event, budget, team, rule, holidays or test declaration"},
		{"duration units out of order", j + "stage A {\n  after 30m1h send \"x\"\n}\n", `3:9: invalid duration 30m1h: write each unit once, largest first, such as 1d12h`},
		{"missing condition on the next line", j + "exit when\n  lifecycle == \"customer\"\n", "2:10: missing condition after `when`"},
		{"fractional cap", j + "cap 3.5 sends per 7d\n", `2:5: unexpected number 3.5; expected a whole number`},
		{"angle payload", "event e < x: int >\n", "1:9: unexpected '<': an event's payload is written in braces, as in `event page_viewed { path: string }`"},
		{"unclosed parenthesis in condition", j + "exit when has_tag(\"vip\"\nstage A {\n  sned \"x\"\n}\n", `2:18: this '(' has no closing ')'`},
		{"angle object type", "contact { company: < size: int > }\n", "1:20: unexpected '<': only blocks of steps take the angle form; write braces here"},
		{"angle test object", "test \"t\" {\n  contact < email: \"x\" >\n}\n", "2:11: unexpected '<': only blocks of steps take the angle form; write braces here"},
		{"goto without stage", j + "stage A {\n  goto\n}\n", `4:1: unexpected '}'; expected a name`},
		{"on without change", j + "on drain\n", `2:4: unexpected "drain"; expected 'change'`},
		{"on change without word", j + "on change\nstage A\n", `2:10: unexpected end of input; expected 'migrate' or 'drain'`},
		{"on change with a string", j + "on change \"drain\"\n", `2:11: unexpected string "drain"; expected 'migrate' or 'drain'`},
		{"on change after a clause", j + "reenter never on change drain\n", `2:15: unexpected "on": start each declaration, clause and stage on a line of its own`},
		{"stage trigger after its condition", j + "stage A when score > 1\n  on e {}\n", `3:6: unexpected "e"; expected 'change'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := parser.ParseFile("bad.journey", []byte(tt.src))
			if len(diags) == 0 {
				t.Fatalf("no diagnostic for:\n%s", tt.src)
			}
			d := diags[0]
			got := fmt.Sprintf("%d:%d: %s", d.Range.Start.Line, d.Range.Start.Col, d.Message)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if d.File != "bad.journey" || d.Code == "" {
				t.Errorf("diagnostic lacks file or code: %+v", d)
			}
		})
	}
}
