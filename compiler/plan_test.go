package compiler

import (
	"bytes"
	"testing"

	"github.com/google/cel-go/cel"
	"google.golang.org/protobuf/proto"
)

// planWorkspace holds conditions whose library calls sit inside macros,
// nested, beside has() and filtered counts: where the macro calls cel-go
// keeps change with the rewrite.
var planWorkspace = map[string][]byte{"a.journey": []byte(`contact {
  email: string
  score: int
  tags: list<string>
  last_login: timestamp?
  company: { size: int }
}

event page_viewed { path: string }

journey a
entry on page_viewed when tags.exists(t, has_tag(t)) && event.path.startsWith("/")
exit when tags.all(a, in_stage("a", a) || has_tag(a + "b"))
goal g when has(company.size) && [1, 2].map(x, x + days_since(now)).exists(y, y > 3)
suppress when count("page_viewed", 7d, event.path == "/p") > 1 && tags.exists(t, opened(t))

stage S when tags.filter(t, clicked(t)).size() > 0 && has_tag("x") {
  if tags.exists_one(t, has_tag(t) && tags.all(u, u != t || subscribed("email"))) { next }
  set score = size(tags.filter(t, has_tag(t))) + count("page_viewed", 1d)
  wait for page_viewed when tags.exists(t, event.path == t && has_tag(t)) within 1d { next }
}

stage T {
  set score = score + 1
}
`)}

// TestPlanAsOptimized compares each condition's plan with what cel-go's
// StaticOptimizer makes of the same checked condition, byte for byte, on
// every condition of three workspaces.
func TestPlanAsOptimized(t *testing.T) {
	crm, err := LoadWorkspace("../examples/crm")
	if err != nil {
		t.Fatal(err)
	}
	for name, ws := range map[string]*Workspace{
		"synth":  synthWorkspace(12),
		"crm":    crm,
		"macros": NewWorkspace(planWorkspace, nil),
	} {
		want := map[*Condition][]byte{}
		planHook = func(c *checker, cond *Condition) {
			want[cond] = optimized(t, c.envs.env(cond.Event), cond.AST)
		}
		_, diags := Compile(ws)
		planHook = nil
		if diags.HasErrors() {
			t.Fatalf("%s: the workspace has errors; the first: %v", name, diags[0])
		}
		if len(want) < 10 {
			t.Fatalf("%s: only %d conditions were planned", name, len(want))
		}
		for cond, b := range want {
			if !bytes.Equal(cond.checked, b) {
				t.Errorf("%s: %s: the plan differs from the optimizer's", name, cond.Expr.Text)
			}
		}
	}
}

// optimized is a condition planned by cel-go's StaticOptimizer, encoded.
func optimized(t *testing.T, env *cel.Env, a *cel.Ast) []byte {
	t.Helper()
	p, err := planned(env, a)
	if err != nil {
		t.Fatal(err)
	}
	checked, err := cel.AstToCheckedExpr(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(checked)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPlanLeavesAST checks that planning a condition leaves its checked
// AST as it was, for the conditions written the same way that share it:
// planned twice, it gives the same bytes, the optimizer's.
func TestPlanLeavesAST(t *testing.T) {
	c := schemaChecker(t, planWorkspace)
	envs := c.envs
	for _, text := range []string{`has_tag("x") && days_since(now) > 1`, `count("page_viewed", 7d, 0) > 1`, `score > 1`} {
		src, _ := rewriteDurations(text)
		a := c.compiled("", src).ast
		if a == nil {
			t.Fatalf("%s does not check", text)
		}
		want := optimized(t, envs.env(""), a)
		for i := range 2 {
			got, err := encodePlanned(envs.env(""), a)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: plan %d differs from the optimizer's", text, i+1)
			}
		}
	}
}
