package compiler

// Lowering: a checked workspace becomes step graphs. Names are resolved,
// durations become durations, conditions are stored checked, and every
// step gets its stable identity:
//
//	STAGE/KIND:TARGET#N
//
// where TARGET is what the step names (a template, a team, a field, a
// stage…; empty for `next`, `if` and unnamed splits) and N counts the
// steps of that kind and target in the same block, from 1. A nested step's
// identity extends its parent's: Decision/if#1/then/notify:owner#1,
// Awareness/split:ab#1/a/send:roi-guide#1, S/wait:email_opened#1/timeout/…
// Inserting a step elsewhere, or changing an offset, leaves every other
// identity as it was.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/google/cel-go/cel"
	exprpb "google.golang.org/genproto/googleapis/api/expr/v1alpha1"
	"google.golang.org/protobuf/proto"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/pos"
)

// Program is a compiled workspace: what a bundle holds.
type Program struct {
	Schema    *Schema
	Journeys  []*Journey   // sorted by name
	Templates []*Template  // the templates the journeys send, sorted by name
	Sources   []SourceFile // the workspace's files, sorted by name
	Budget    *Budget      // the workspace's send budget; nil when it declares none
	Teams     []Team       // the workspace's teams, sorted by name; nil when it declares none
	Rules     []*Rule      // the workspace's rules, in written order; nil when it declares none
	Holidays  []string     // the days business days skip besides weekends, YYYY-MM-DD, sorted, each once; nil for none
	envs      *envs
	digested  int // the bytes of the journeys' digested forms (digest.go), which size the bundle's buffer; 0 when not compiled here
}

// Env returns the CEL environment of a condition with the named event in
// scope ("" for none): what a stored condition is planned in.
func (p *Program) Env(event string) *cel.Env { return p.envs.env(event) }

// Plan compiles an expression written as a condition is, with no event in
// scope, to a program that evaluates as the runtime's conditions do (see
// runtime.Deployment.Evaluate). `journey test` uses it for its
// expectations and values.
func (p *Program) Plan(text string) (cel.Program, error) {
	env := p.Env("")
	src, _ := rewriteDurations(text)
	a, iss := env.Compile(src)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	a, err := planned(env, a)
	if err != nil {
		return nil, err
	}
	return env.Program(a)
}

// AST decodes a stored condition.
func (c *Cond) AST() (*cel.Ast, error) {
	var checked exprpb.CheckedExpr
	if err := proto.Unmarshal(c.Checked, &checked); err != nil {
		return nil, fmt.Errorf("%s: the condition does not decode: %w", c.Source, err)
	}
	return cel.CheckedExprToAst(&checked), nil
}

// SourceFile records a compiled file by name and content hash.
type SourceFile struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// Compile checks a workspace and, when it has no errors, lowers it to a
// Program. The diagnostics are the checker's, warnings included.
func Compile(ws *Workspace) (*Program, diag.List) { return CompileWith(ws, Options{}) }

// CompileWith is Compile with the checker's options.
func CompileWith(ws *Workspace, opts Options) (*Program, diag.List) {
	opts.plan = true
	res, diags := CheckWith(ws, opts)
	if diags.HasErrors() {
		return nil, diags
	}
	l := &lowerer{res: res}
	prog := &Program{Schema: res.Schema, Budget: lowerBudget(res.Budget), Teams: lowerTeams(res.teams), envs: res.envs}
	for _, j := range res.Journeys {
		prog.Journeys = append(prog.Journeys, l.journey(j))
	}
	sort.Slice(prog.Journeys, func(a, b int) bool { return prog.Journeys[a].Name < prog.Journeys[b].Name })
	prog.Rules = l.rules(res.Rules, res.ruleFiles)
	prog.Holidays = res.Holidays
	used := map[string]bool{}
	for _, j := range prog.Journeys {
		for _, t := range j.Sends {
			used[t] = true
		}
	}
	for _, name := range sortedNames(used) {
		prog.Templates = append(prog.Templates, ws.Templates[name])
	}
	for _, name := range sortedNames(ws.Sources) {
		prog.Sources = append(prog.Sources, SourceFile{File: filepath.Base(name), SHA256: sha256Hex(ws.Sources[name])})
	}
	var digested []byte // one buffer for every journey's digested form
	for _, j := range prog.Journeys {
		j.Version, digested = version(j, ws.Templates, digested[:0])
		prog.digested += len(digested)
		j.index()
	}
	return prog, diags
}

type lowerer struct {
	res  *Result
	file string // the file of the journey being lowered
}

func (l *lowerer) source(p pos.Pos) SourcePos {
	return SourcePos{File: filepath.Base(l.file), Line: int(p.Line), Col: int(p.Col)}
}

// cond stores a checked condition, planned by the checker (settle).
func (l *lowerer) cond(e *ast.Expr) *Cond {
	if e == nil {
		return nil
	}
	c := l.res.Conditions[e]
	out := &Cond{Text: e.Text, Event: c.Event, Checked: c.checked, Source: l.source(e.Pos.Start)}
	for _, f := range c.Filters {
		out.Filters = append(out.Filters, l.cond(f.Expr))
	}
	return out
}

func (l *lowerer) journey(aj *ast.Journey) *Journey {
	l.file = l.res.files[aj]
	j := &Journey{Name: aj.Name.Name, Source: l.source(aj.Pos.Start), Reenter: &Reenter{Never: true}}
	if aj.Title != nil {
		j.Title = aj.Title.Value
	}
	events := map[string]bool{}
	for _, it := range aj.Items {
		switch it := it.(type) {
		case *ast.Entry:
			e := &Entry{Event: eventNames(it.On), When: l.cond(it.When)}
			for _, n := range it.On {
				events[n.Name] = true
			}
			j.Entries = append(j.Entries, e)
		case *ast.Exit:
			j.Exits = append(j.Exits, l.cond(it.When))
		case *ast.Goal:
			j.Goals = append(j.Goals, &Goal{Name: it.Name.Name, When: l.cond(it.When)})
		case *ast.Suppress:
			j.Suppress = append(j.Suppress, l.cond(it.When))
		case *ast.Window:
			j.Window = window(it)
		case *ast.Cap:
			j.Cap = &Cap{Count: int(it.Count.Value), Per: Duration(it.Per.Value)}
		case *ast.Reenter:
			if it.After != nil {
				j.Reenter = &Reenter{After: Duration(it.After.Value)}
			}
		case *ast.OnChange:
			if it.Word.Name == OnChangeDrain {
				j.OnChange = OnChangeDrain
			}
		case *ast.Stage:
			s := &Stage{Name: it.Name.Name, On: eventNames(it.On), When: l.cond(it.When), Source: l.source(it.Pos.Start)}
			for _, n := range it.On {
				events[n.Name] = true
			}
			if it.Body != nil {
				s.Steps = l.block(s.Name, it.Body.Steps)
			}
			j.Stages = append(j.Stages, s)
		}
	}
	sends, splits := map[string]bool{}, map[string]bool{}
	for _, s := range j.Stages {
		WalkSteps(s.Steps, func(st *Step) {
			switch st.Kind {
			case StepSend:
				sends[st.Target] = true
			case StepSplit:
				splits[st.ID] = true
			case StepWait:
				for _, n := range EventList(st.Target) {
					events[n] = true
				}
			}
		})
	}
	j.Sends, j.Splits, j.Events = sortedNames(sends), sortedNames(splits), sortedNames(events)
	return j
}

// eventNames is a trigger's events in the IR's form (events.go): the names
// joined by commas, "" for none.
func eventNames(ids []*ast.Ident) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.Name
	}
	return strings.Join(names, eventSep)
}

// window converts a window clause; days are expanded, ranges may wrap
// (fri-mon).
func window(w *ast.Window) *Window {
	from, _ := clockMinutes(w.From.Raw)
	to, _ := clockMinutes(w.To.Raw)
	out := &Window{From: from, To: to}
	if len(w.Days) > 0 {
		out.Days = make([]bool, 7)
		for _, d := range w.Days {
			a := dayIndex(d.From.Name)
			b := a
			if d.To != nil {
				b = dayIndex(d.To.Name)
			}
			for i := a; ; i = (i + 1) % 7 {
				out.Days[i] = true
				if i == b {
					break
				}
			}
		}
	}
	return out
}

// block lowers the steps of a block whose identities extend prefix.
func (l *lowerer) block(prefix string, steps []ast.Step) []*Step {
	seen := map[string]int{}
	var out []*Step
	for _, st := range steps {
		s := l.step(st)
		key := s.Kind
		if s.Target != "" {
			key += ":" + idEscaper.Replace(s.Target)
		}
		seen[key]++
		s.ID = prefix + "/" + key + "#" + itoa(seen[key])
		l.nested(s, st)
		out = append(out, s)
	}
	return out
}

// idEscaper keeps a target from breaking an identity's structure.
var idEscaper = strings.NewReplacer("%", "%25", "/", "%2F", "#", "%23")

// step lowers one step without its nested blocks.
func (l *lowerer) step(st ast.Step) *Step {
	s := &Step{Source: l.source(st.Span().Start)}
	if a := st.Delay(); a != nil {
		s.After, s.AfterBD = span(a.Delay)
		if a.At != nil {
			m, _ := timeOfDay(a.At.Raw)
			s.At = clock(m)
		}
		s.Source = l.source(a.Pos.Start)
	}
	switch st := st.(type) {
	case *ast.Send:
		s.Kind, s.Target, s.Channel = StepSend, st.Template.Value, "email"
		if st.Channel != nil {
			s.Channel = st.Channel.Name
		}
	case *ast.Notify:
		s.Kind, s.Target, s.Text = StepNotify, st.Team.Name, st.Text.Value
	case *ast.Task:
		s.Kind, s.Target = StepTask, st.Title.Value
		if st.For != nil {
			s.For = st.For.Name
		}
		s.Due, s.DueBD = span(st.Due)
	case *ast.Set:
		s.Kind, s.Target, s.Value = StepSet, st.Field.String(), l.cond(st.Value)
	case *ast.Tag:
		s.Kind, s.Target = StepTag, st.Tag.Value
		if st.Remove {
			s.Kind = StepUntag
		}
	case *ast.Webhook:
		s.Kind, s.Target = StepWebhook, st.Name.Name
	case *ast.Goto:
		s.Kind, s.Target = StepGoto, st.Stage.Name
	case *ast.Next:
		s.Kind = StepNext
	case *ast.ExitStep:
		s.Kind = StepExit
		if st.Reason != nil {
			s.Target = st.Reason.Value
		}
	case *ast.If:
		s.Kind = StepIf
	case *ast.Split:
		s.Kind = StepSplit
		if st.Name != nil {
			s.Target = st.Name.Name
		}
	case *ast.Wait:
		s.Kind, s.Target, s.When = StepWait, eventNames(st.Events), l.cond(st.When)
		s.Within, s.WithinBD = span(st.Within)
	}
	return s
}

// nested lowers the blocks inside an if, a split or a wait.
func (l *lowerer) nested(s *Step, st ast.Step) {
	switch st := st.(type) {
	case *ast.If:
		var bodies []*ast.Block
		for b := st; b != nil; b = b.ElseIf {
			s.Branches = append(s.Branches, &Branch{When: l.cond(b.Cond)})
			bodies = append(bodies, b.Then)
			if b.Else != nil {
				s.Branches = append(s.Branches, &Branch{})
				bodies = append(bodies, b.Else)
			}
		}
		// Named as the runtime finds them, by BranchName.
		for i, br := range s.Branches {
			br.Steps = l.block(s.ID+"/"+BranchName(s, i), bodies[i].Steps)
		}
	case *ast.Split:
		for _, a := range st.Arms {
			s.Arms = append(s.Arms, &Arm{Name: a.Name.Name, Weight: a.Weight.Value, Steps: l.block(s.ID+"/"+a.Name.Name, a.Body.Steps)})
		}
	case *ast.Wait:
		s.Body = l.block(s.ID+"/body", st.Body.Steps)
		if st.Timeout != nil {
			s.Timeout = l.block(s.ID+"/timeout", st.Timeout.Steps)
		}
	}
}

// version is the content hash of a journey: its step graph and the
// templates it sends. Source positions are left out, so moving a journey
// in its file, or reformatting it, keeps its version. digest.go says what
// form of the journey is hashed; it is written over buf, and returned.
func version(j *Journey, templates map[string]*Template, buf []byte) (string, []byte) {
	h := sha256.New()
	clone := *j
	clone.Version = ""
	buf = digestJSON(buf, reflect.ValueOf(&clone))
	h.Write(buf)
	for _, name := range j.Sends {
		h.Write([]byte("\x00" + name + "\x00"))
		h.Write(templates[name].Content)
	}
	return hex.EncodeToString(h.Sum(nil))[:20], buf
}
