package compiler

// Check is the checker's entry point. It runs these passes over a parsed
// workspace, reporting every problem it can find and going on after each:
//
//  1. files: what each file may hold (one journey; tests only in
//     *_test.journey files; `use` names a standard schema); the
//     workspace's send budget, declared at most once (budget.go); its
//     teams, each declared once (team.go).
//  2. schema: the contact and events from every file (schema.go), and the
//     CEL environments built from them (celenv.go).
//  3. journeys: names unique across the workspace; then each journey's
//     policies, stages and steps (journey.go, step.go), with every
//     condition compiled against the schema (condition.go).
//  4. reachability: warnings for stages no contact can reach or stay in;
//     errors for `goto`/`next` loops along which nothing waits (loop.go).
//  5. templates: each template's header, and its subject and body against
//     the schema (template.go).
//  6. tests: each test against the journey it names (testblock.go).
//
// The result keeps the schema and every checked condition for the
// compiler's later phases: when compiling, each planned and encoded as
// soon as its journey is checked (settle), its AST then let go.

import (
	"slices"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/diag"
	"github.com/journeylang/journey/lang/parser"
	"github.com/journeylang/journey/lang/pos"
)

// Result is what the checker learned of a workspace.
type Result struct {
	Schema     *Schema
	Journeys   []*ast.Journey
	Conditions map[*ast.Expr]*Condition // when compiling, every condition and value of a journey or a rule that checked, planned (settle); empty otherwise
	Budget     *ast.BudgetDecl          // the workspace's send budget, the first declared; nil when none is
	teams      map[string]*teamInfo
	envs       *envs
	files      map[*ast.Journey]string  // the file each of Journeys is declared in
	Rules      []*ast.RuleDecl          // the workspace's rules that checked, in written order (rule.go)
	ruleFiles  map[*ast.RuleDecl]string // the file each of Rules is declared in
	Holidays   []string                 // the workspace's holidays that are dates, sorted, each once
}

type checker struct {
	ws         *Workspace
	lines      map[string]*pos.Lines // the line indexes of the files, made as needed (linesOf)
	diags      diag.List
	schema     *Schema
	envs       *envs
	journeys   map[string]*journeyInfo
	conditions map[*ast.Expr]*Condition
	costLimit  uint64               // the most a condition may cost (see cost.go)
	teamDecls  map[string]*teamInfo // the declared teams, by name (team.go)
	errors     map[string]int       // by file: the errors reported
	plan       bool                 // plan the conditions for the lowering (Options.plan)
	pending    []*Condition         // the conditions checked since the last settle
	tmplNames  []string             // the names of the workspace's templates, once listed (templateNames)
	parseDiags diag.List            // the parse diagnostics of the files parsed so far: the workspace's, then those of its deferred test files
	cache      compileCache         // the texts compiled lately (compilecache.go)
}

// journeyInfo is a journey and where it is declared.
type journeyInfo struct {
	file   string
	name   string
	decl   *ast.Journey          // nil once forgotten
	stages map[string]*ast.Stage // each stage by name; the names alone once forgotten
	goals  map[string]*ast.Goal  // likewise
	arms   map[string]bool
}

// hasStage reports whether the journey has a stage of that name.
func (i *journeyInfo) hasStage(name string) bool {
	_, ok := i.stages[name]
	return ok
}

// hasGoal reports whether the journey has a goal of that name.
func (i *journeyInfo) hasGoal(name string) bool {
	_, ok := i.goals[name]
	return ok
}

// forget lets go of the journey's tree: of its stages and goals it keeps
// the names.
func (i *journeyInfo) forget() {
	i.decl = nil
	for name := range i.stages {
		i.stages[name] = nil
	}
	for name := range i.goals {
		i.goals[name] = nil
	}
}

// report records a diagnostic. A file reports at most parser.MaxErrors
// of the checker's errors: the next takes their place as TooManyErrors,
// and the rest are dropped, so that a file of thousands of the same
// mistake costs what a hundred do.
func (c *checker) report(d diag.Diagnostic) {
	if d.Severity == diag.Error {
		if c.errors == nil {
			c.errors = map[string]int{}
		}
		c.errors[d.File]++
		switch n := c.errors[d.File]; {
		case n == parser.MaxErrors+1:
			d = errTooMany(d)
		case n > parser.MaxErrors+1:
			return
		}
	}
	c.diags = append(c.diags, d)
}

// Check checks a workspace. The diagnostics include the parse diagnostics
// of its files, sorted by file and position.
func Check(ws *Workspace) (*Result, diag.List) { return CheckWith(ws, Options{}) }

// CheckWith is Check with options.
func CheckWith(ws *Workspace, opts Options) (*Result, diag.List) {
	c := &checker{ws: ws, lines: map[string]*pos.Lines{}, journeys: map[string]*journeyInfo{}, conditions: map[*ast.Expr]*Condition{}, costLimit: opts.costLimit(), plan: opts.plan}
	c.diags = append(c.diags, ws.Diags...)
	c.parseDiags = slices.Clip(ws.Diags)
	c.files()
	budget := c.budgets()
	c.teamDecls = c.teams()
	c.schema = c.buildSchema(ws.Files)
	envs, err := newEnvs(c.schema)
	if err != nil {
		// The schema was checked above; an environment that still fails to
		// build is a bug, reported rather than hidden.
		c.report(diag.Diagnostic{Severity: diag.Error, Code: CodeInvalidCondition, Message: err.Error()})
		c.diags.Sort()
		return &Result{Schema: c.schema}, c.diags
	}
	c.envs = envs
	res := &Result{Schema: c.schema, Budget: budget, teams: c.teamDecls, envs: envs, files: map[*ast.Journey]string{}}
	for _, f := range ws.Files {
		for _, j := range f.Journeys() {
			if c.declareJourney(f.Name, j) {
				res.Journeys = append(res.Journeys, j)
				res.files[j] = f.Name
			}
		}
	}
	for _, f := range ws.Files {
		for _, j := range f.Journeys() {
			c.journey(f.Name, j)
			c.settle(true)
		}
	}
	res.Rules, res.ruleFiles = c.rules()
	c.settle(true)
	res.Holidays = c.holidays()
	c.templates()
	if c.ws.once && !c.plan {
		c.letGo(res)
	}
	c.testsOfFiles()
	c.settle(false)
	res.Conditions = c.conditions
	c.diags.Sort()
	return res, c.diags
}

// letGo lets go of the trees of the files that hold no tests, once all
// but the tests is checked, for a workspace loaded for one check
// (LoadToCheck): the tests need of the journeys only the names their infos
// keep (journeyInfo.forget).
func (c *checker) letGo(res *Result) {
	res.Journeys, res.files = nil, nil
	for _, info := range c.journeys {
		info.forget()
	}
	c.ws.Files = slices.DeleteFunc(slices.Clone(c.ws.Files), func(f *ast.File) bool { return !isTestFile(f.Name) })
}

// linesOf returns the index of the lines of a file of the workspace, made
// when a file's first diagnostic or template text needs it; nil for a file
// the workspace does not hold.
func (c *checker) linesOf(file string) *pos.Lines {
	if l, ok := c.lines[file]; ok {
		return l
	}
	src, ok := c.ws.Sources[file]
	if !ok {
		return nil
	}
	l := pos.NewLines(src)
	c.lines[file] = l
	return l
}

// testsOfFiles checks the tests of every file, in file-name order: those
// of the workspace's Files, and those of its deferred test files
// (LoadToCheck), each parsed only now, a file ahead on a goroutine of its
// own (parseAhead), and let go once checked.
func (c *checker) testsOfFiles() {
	files, deferred := c.ws.Files, c.ws.deferred
	ahead := c.parseAhead()
	for len(files) > 0 || len(deferred) > 0 {
		var f *ast.File
		if len(deferred) == 0 || len(files) > 0 && files[0].Name < deferred[0] {
			f, files = files[0], files[1:]
		} else {
			f, deferred = c.takeParsed(<-ahead), deferred[1:]
		}
		c.tests(f)
		c.settle(false)
	}
}

// parsed is a deferred test file parsed, and its parse diagnostics.
type parsed struct {
	file  *ast.File
	diags diag.List
}

// parseAhead parses the workspace's deferred test files in order, on a
// goroutine of its own, while the tests of those before are checked: one
// waits parsed at the most. The check takes each in turn.
func (c *checker) parseAhead() <-chan parsed {
	out := make(chan parsed, 1)
	go func() {
		defer close(out)
		for _, name := range c.ws.deferred {
			f, diags := c.ws.parse(name, c.ws.Sources[name])
			out <- parsed{f, diags}
		}
	}()
	return out
}

// takeParsed records the parse diagnostics of a deferred test file, as the
// workspace records those of its other files, and returns its tree.
func (c *checker) takeParsed(p parsed) *ast.File {
	c.diags = append(c.diags, p.diags...)
	c.parseDiags = append(c.parseDiags, p.diags...)
	return p.file
}

// files checks what each file declares.
func (c *checker) files() {
	for _, f := range c.ws.Files {
		test := isTestFile(f.Name)
		var first *ast.Journey
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.UseDecl:
				if d.Name.Name != "crm" {
					c.report(errUnknownLibrary(f.Name, d.Name))
				}
			case *ast.Journey:
				switch {
				case test:
					c.report(errMisplacedJourney(f.Name, d.Name.Pos))
				case first != nil:
					c.report(errTooManyJourneys(f.Name, d.Name, first))
				default:
					first = d
				}
			case *ast.Test:
				if !test {
					c.report(errMisplacedTest(f.Name, d.Keyword))
				}
			}
		}
		if len(f.Decls) == 0 && !hasErrors(c.parseDiags, f.Name) {
			c.report(errEmptyFile(f.Name, pos.Span{Start: pos.Pos{Offset: 0, Line: 1, Col: 1}, End: pos.Pos{Offset: 0, Line: 1, Col: 1}}))
		}
	}
}

func hasErrors(l diag.List, file string) bool {
	for _, d := range l {
		if d.File == file && d.Severity == diag.Error {
			return true
		}
	}
	return false
}

// declareJourney records a journey's name; it reports false for a
// duplicate, which is then checked but not returned.
func (c *checker) declareJourney(file string, j *ast.Journey) bool {
	if isTestFile(file) {
		return false
	}
	if prev, ok := c.journeys[j.Name.Name]; ok {
		c.report(errDuplicate(file, j.Name.Pos, "journey", j.Name.Name, prev.file, prev.decl.Name.Pos))
		return false
	}
	c.journeys[j.Name.Name] = newJourneyInfo(file, j)
	return true
}

// newJourneyInfo records a journey's stages, the first of each name; its
// goals and arms are recorded as they are checked.
func newJourneyInfo(file string, j *ast.Journey) *journeyInfo {
	info := &journeyInfo{file: file, name: j.Name.Name, decl: j, stages: map[string]*ast.Stage{}, goals: map[string]*ast.Goal{}, arms: map[string]bool{}}
	for _, s := range j.Stages() {
		if _, dup := info.stages[s.Name.Name]; !dup {
			info.stages[s.Name.Name] = s
		}
	}
	return info
}

// planHook, when set (by tests), sees each condition before it is planned.
var planHook func(*checker, *Condition)

// settle ends the checker's use of the conditions checked since it was
// last called: when compiling, each that the lowering takes (lower) is
// planned and encoded now, once for the conditions written the same way,
// the one time its CEL work is done after the check; then its AST is let
// go. So the checked ASTs of a workspace are never all held at once: each
// lives while its journey is checked, or while the compile cache keeps
// it.
func (c *checker) settle(lower bool) {
	for _, cond := range c.pending {
		if cond.AST == nil {
			continue // it did not check after all: reported
		}
		if c.plan && lower {
			if planHook != nil {
				planHook(c, cond)
			}
			if cond.compiled.planned == nil {
				b, err := encodePlanned(c.envs.env(cond.Event), cond.AST)
				if err != nil {
					panic("compiler: a checked condition does not plan: " + err.Error())
				}
				cond.compiled.planned = b
			}
			cond.checked = cond.compiled.planned
		} else {
			delete(c.conditions, cond.Expr)
		}
		cond.AST, cond.compiled = nil, nil
	}
	clear(c.pending)
	c.pending = c.pending[:0]
}
