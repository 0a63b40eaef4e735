package compiler

import (
	"fmt"
	"testing"
)

// schemaChecker is a checker that knows the schema of sources, and so may
// compile conditions.
func schemaChecker(t *testing.T, sources map[string][]byte) *checker {
	t.Helper()
	ws := NewWorkspace(sources, nil)
	c := &checker{ws: ws}
	c.schema = c.buildSchema(ws.Files)
	envs, err := newEnvs(c.schema)
	if err != nil {
		t.Fatal(err)
	}
	c.envs = envs
	return c
}

// TestCompileCacheShares checks that a text is compiled once in an
// environment, again in another, and again once the cache has moved on.
func TestCompileCacheShares(t *testing.T) {
	c := schemaChecker(t, planWorkspace)
	a := c.compiled("", "score > 1")
	if c.compiled("", "score > 1") != a {
		t.Error("the same text in the same environment was compiled twice")
	}
	if c.compiled("page_viewed", "score > 1") == a {
		t.Error("the same text in another environment was not compiled again")
	}
	if bad := c.compiled("", "score >"); bad.ast != nil || bad.iss.Err() == nil {
		t.Error("a text that does not parse gave an AST")
	}
	for i := range 2 * compileCacheSize {
		c.compiled("", fmt.Sprintf("score > %d", i+2))
	}
	if c.compiled("", "score > 1") == a {
		t.Error("the cache kept a text used no more after twice its size of others")
	}
	if n := len(c.cache.cur) + len(c.cache.prev); n > 2*compileCacheSize {
		t.Errorf("the cache holds %d texts", n)
	}
}

// TestCompileCacheDiagnostics checks that conditions written the same way,
// which share what cel-go made of them, each report their own errors at
// their own positions.
func TestCompileCacheDiagnostics(t *testing.T) {
	sources := map[string][]byte{"schema.journey": []byte("contact {\n  score: int\n}\n")}
	for _, name := range []string{"a", "b"} {
		sources[name+".journey"] = []byte("journey " + name + "\n\n" + "stage S when scor > 1 && score > 2 {\n  next\n}\n\nstage T {\n  set score = scor + 1\n}\n")
	}
	_, diags := Check(NewWorkspace(sources, nil))
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%s:%d:%d %s", d.File, d.Range.Start.Line, d.Range.Start.Col, d.Code))
	}
	want := []string{
		"a.journey:3:14 UndefinedName", "a.journey:8:15 UndefinedName",
		"b.journey:3:14 UndefinedName", "b.journey:8:15 UndefinedName",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("diagnostics:\n got %v\nwant %v", got, want)
	}
}
