package compiler_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
)

// compileProgram compiles the workspace in dir.
func compileProgram(t *testing.T, dir string) *compiler.Program {
	t.Helper()
	ws, err := compiler.LoadWorkspace(dir)
	if err != nil {
		t.Fatal(err)
	}
	prog, diags := compiler.Compile(ws)
	if diags.HasErrors() {
		t.Fatalf("%s does not compile: %v", dir, diags)
	}
	return prog
}

// compileDir compiles the workspace in dir and returns its bundle.
func compileDir(t *testing.T, dir string, key ed25519.PrivateKey) []byte {
	t.Helper()
	b, err := compiler.WriteBundle(compileProgram(t, dir), key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// copyDir copies the example workspace to a new folder.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "somewhere", "else")
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// TestBundleDeterministic compiles the same workspace twice, and again
// from another folder: the bundles are byte-identical.
func TestBundleDeterministic(t *testing.T) {
	const dir = "../examples/lead_nurture"
	a := compileDir(t, dir, nil)
	b := compileDir(t, dir, nil)
	c := compileDir(t, copyDir(t, dir), nil)
	if !bytes.Equal(a, b) || !bytes.Equal(a, c) {
		t.Fatal("the same workspace gave different bundles")
	}
	if bytes.Contains(a, []byte("examples/")) {
		t.Error("the bundle names a path of the machine it was built on")
	}
}

// TestBundleRefusesTampering edits a bundle in the ways an attacker or a
// broken disk would, and expects each to be refused with its reason.
func TestBundleRefusesTampering(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherPub, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	signed := compileDir(t, "../examples/lead_nurture", priv)
	unsigned := compileDir(t, "../examples/lead_nurture", nil)

	if _, err := compiler.ReadBundle(signed, compiler.ReadOptions{PublicKey: pub}); err != nil {
		t.Fatalf("a good signed bundle is refused: %v", err)
	}
	reSigned := compileDir(t, "../examples/lead_nurture", otherPriv)
	tests := []struct {
		name string
		data []byte
		opts compiler.ReadOptions
		want string
	}{
		{"a byte of the body changed", bytes.Replace(unsigned, []byte(`"welcome"`), []byte(`"welcomf"`), 1), compiler.ReadOptions{}, "does not match its digest"},
		{"unsigned, a signature required", unsigned, compiler.ReadOptions{PublicKey: pub}, "not signed"},
		{"signed by another key", reSigned, compiler.ReadOptions{PublicKey: pub}, "signed by key " + compiler.KeyID(otherPub)},
		{"not a bundle", []byte(`{"hello":1}`), compiler.ReadOptions{}, "not a Journey bundle"},
		{"another format", []byte(`{"journey_bundle":9,"digest":"","body":{}}`), compiler.ReadOptions{}, "bundle format 9"},
		{"body and digest both changed", compiler.RedigestForTest(bytes.Replace(signed, []byte(`"welcome"`), []byte(`"welcomf"`), 1)), compiler.ReadOptions{PublicKey: pub}, "signature does not verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compiler.ReadBundle(tt.data, tt.opts)
			if err == nil || !errors.Is(err, compiler.ErrBundle) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

// TestBundleRoundTrip compiles, writes, reads back, and evaluates every
// condition of the loaded journeys on a table of contacts: the results
// equal those of the conditions as freshly checked.
func TestBundleRoundTrip(t *testing.T) {
	prog := compileProgram(t, "../examples/lead_nurture")
	data, err := compiler.WriteBundle(prog, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := compiler.ReadBundle(data, compiler.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []compiler.Team{{Name: "sales", Address: "sales@acme.example"}}; !reflect.DeepEqual(b.Program.Teams, want) {
		t.Errorf("teams %+v read back, want %+v", b.Program.Teams, want)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	contacts := []map[string]any{
		{"email": "a@x", "score": 10, "lifecycle": "lead", "open_tickets": 0, "timezone": "UTC", "tags": []string{}},
		{"email": "b@x", "score": 60, "lifecycle": "sql", "open_tickets": 2, "timezone": "UTC", "tags": []string{"vip"}},
		{"email": "c@x", "score": 50, "lifecycle": "customer", "open_tickets": 0, "timezone": "UTC", "tags": []string{}},
	}
	events := map[string]map[string]any{
		"form_submitted": {"form": "pricing-guide", "page": "/pricing"},
	}
	fresh, loaded := prog.Journeys[0], b.Program.Journeys[0]
	freshConds, loadedConds := fresh.Conditions(), loaded.Conditions()
	if len(freshConds) == 0 || len(freshConds) != len(loadedConds) {
		t.Fatalf("%d conditions compiled, %d loaded", len(freshConds), len(loadedConds))
	}
	evaluated := 0
	for i := range freshConds {
		fc, lc := freshConds[i], loadedConds[i]
		if fc.Text != lc.Text {
			t.Fatalf("condition %d: %q compiled, %q loaded", i, fc.Text, lc.Text)
		}
		if strings.Contains(fc.Text, "opened(") {
			continue // the function library is bound by the runtime
		}
		for _, contact := range contacts {
			vars := map[string]any{"now": now}
			for k, v := range contact {
				vars[k] = v
			}
			if fc.Event != "" {
				vars["event"] = events[fc.Event]
			}
			got, want := eval(t, b.Program, lc, vars), eval(t, prog, fc, vars)
			if got != want {
				t.Errorf("%s on %v: loaded %v, compiled %v", fc.Text, contact["email"], got, want)
			}
			evaluated++
		}
	}
	if evaluated == 0 {
		t.Fatal("no condition was evaluated")
	}
}

func eval(t *testing.T, p *compiler.Program, c *compiler.Cond, vars map[string]any) any {
	t.Helper()
	ast, err := c.AST()
	if err != nil {
		t.Fatal(err)
	}
	prg, err := p.Env(c.Event).Program(ast)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := prg.Eval(vars)
	if err != nil {
		return "error: " + err.Error()
	}
	return out.Value()
}

// TestBudget compiles one workspace with each kind of send budget, writes
// its bundle and reads it back: the budget survives the round trip, it
// changes no journey's version, and a workspace without one writes a bundle
// with no trace of it, byte for byte what it was before budgets existed.
func TestBudget(t *testing.T) {
	const journey = "journey j\n\nstage Only {\n  send \"welcome\"\n}\n"
	templates := map[string][]byte{"welcome.md": []byte("subject: Hi\nHello.\n")}
	compile := func(decl string) (*compiler.Program, []byte) {
		t.Helper()
		sources := map[string][]byte{
			"schema.journey": []byte("contact {\n  email: string\n}\n" + decl),
			"j.journey":      []byte(journey),
		}
		prog, diags := compiler.Compile(compiler.NewWorkspace(sources, templates))
		if diags.HasErrors() {
			t.Fatalf("%q does not compile: %v", decl, diags)
		}
		data, err := compiler.WriteBundle(prog, nil)
		if err != nil {
			t.Fatal(err)
		}
		return prog, data
	}
	none, noneData := compile("")
	if none.Budget != nil || bytes.Contains(noneData, []byte(`"budget"`)) {
		t.Fatalf("a workspace without a budget: Budget %+v, and the bundle says %q", none.Budget, "budget")
	}
	tests := []struct {
		decl string
		want compiler.Budget
		json string
	}{
		{"budget 2 sends per 1d12h\n", compiler.Budget{Sends: 2, Per: compiler.Duration(36 * time.Hour)}, `"budget":{"sends":2,"per":"1d12h"}`},
		{"budget 1 send per 30m\n", compiler.Budget{Sends: 1, Per: compiler.Duration(30 * time.Minute)}, `"budget":{"sends":1,"per":"30m"}`},
		{"budget off\n", compiler.Budget{Off: true}, `"budget":{"off":true}`},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSpace(tt.decl), func(t *testing.T) {
			prog, data := compile(tt.decl)
			if prog.Budget == nil || *prog.Budget != tt.want {
				t.Fatalf("compiled budget %+v, want %+v", prog.Budget, tt.want)
			}
			if !bytes.Contains(data, []byte(tt.json)) {
				t.Errorf("the bundle does not hold %s", tt.json)
			}
			b, err := compiler.ReadBundle(data, compiler.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if b.Program.Budget == nil || *b.Program.Budget != tt.want {
				t.Fatalf("read back budget %+v, want %+v", b.Program.Budget, tt.want)
			}
			if got, want := prog.Journeys[0].Version, none.Journeys[0].Version; got != want {
				t.Errorf("the budget changed the journey's version: %s, without it %s", got, want)
			}
		})
	}
	// A bundle whose budget no workspace can declare is refused, even with
	// a digest to match.
	_, data := compile("budget 2 sends per 1d\n")
	for _, bad := range []string{`{"sends":0,"per":"1d"}`, `{"sends":2,"per":"0s"}`, `{"sends":2,"per":"-1d"}`, `{"sends":2,"per":"1d","off":true}`} {
		forged := compiler.RedigestForTest(bytes.Replace(data, []byte(`{"sends":2,"per":"1d"}`), []byte(bad), 1))
		_, err := compiler.ReadBundle(forged, compiler.ReadOptions{})
		if err == nil || !errors.Is(err, compiler.ErrBundle) || !strings.Contains(err.Error(), "send budget") {
			t.Errorf("budget %s: got %v, want a refusal naming the send budget", bad, err)
		}
	}
}

// TestBundleReadsFormatOne: a bundle of format 1, the format before rules,
// holidays, business days, local times and filtered counts, still reads;
// one of a format newer than this runtime's is refused by number.
func TestBundleReadsFormatOne(t *testing.T) {
	current := compileDir(t, "../examples/lead_nurture", nil)
	one := bytes.Replace(current, []byte(`{"journey_bundle":2,`), []byte(`{"journey_bundle":1,`), 1)
	one = compiler.RedigestForTest(bytes.Replace(one, []byte(`"body":{"format":2,`), []byte(`"body":{"format":1,`), 1))
	if bytes.Equal(one, current) {
		t.Fatal("the bundle was not rewritten to format 1")
	}
	if _, err := compiler.ReadBundle(one, compiler.ReadOptions{}); err != nil {
		t.Errorf("a format 1 bundle is refused: %v", err)
	}
	three := compiler.RedigestForTest(bytes.Replace(current, []byte(`{"journey_bundle":2,`), []byte(`{"journey_bundle":3,`), 1))
	if _, err := compiler.ReadBundle(three, compiler.ReadOptions{}); err == nil || !strings.Contains(err.Error(), "bundle format 3; this runtime reads formats 1 to 2") {
		t.Errorf("a format 3 bundle: got %v", err)
	}
	mixed := compiler.RedigestForTest(bytes.Replace(current, []byte(`{"journey_bundle":2,`), []byte(`{"journey_bundle":1,`), 1))
	if _, err := compiler.ReadBundle(mixed, compiler.ReadOptions{}); err == nil || !strings.Contains(err.Error(), "not a format 1 bundle") {
		t.Errorf("an envelope of format 1 around a body of format 2: got %v", err)
	}
}
