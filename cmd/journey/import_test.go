package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/postgres"
	"github.com/journeylang/journey/runtime/store/postgres/pgtest"
	"github.com/journeylang/journey/runtime/store/sqlite"
)

// importSchema is the schema of the chunked imports.
const importSchema = "contact {\n  email: string?\n  n: int?\n}\n\nevent signed_up { plan: string }\n"

// importFile writes a file of n contacts, each followed by its event, with
// a bad line, a repeat of an earlier event (in another chunk) and a
// consent line among them. It returns the file's path.
func importFile(t *testing.T, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"contact": "c%d", "attributes": {"email": "c%d@example.com", "n": %d}}`+"\n", i, i, i)
		fmt.Fprintf(&b, `{"id": "e%d", "contact": "c%d", "name": "signed_up", "payload": {"plan": "pro"}}`+"\n", i, i)
		switch i {
		case 1500:
			b.WriteString(`{"contact": "c1500", "attributes": {"n": "many"}}` + "\n") // line 3003
		case 2500:
			b.WriteString(`{"id": "e3", "contact": "c3", "name": "signed_up", "payload": {"plan": "pro"}}` + "\n")
			b.WriteString(`{"contact": "c3", "unsubscribed": ["email"]}` + "\n")
		}
	}
	path := filepath.Join(t.TempDir(), "lines.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportChunks imports a file of several chunks into SQLite and
// Postgres: every good line is stored once, each contact's inputs in the
// file's order; the bad line is named by its number; and, off a
// terminal, progress is printed as plain lines of the lines and bytes
// read, of the file's size.
func TestImportChunks(t *testing.T) {
	prog, diags := compiler.Compile(compiler.NewWorkspace(map[string][]byte{"schema.journey": []byte(importSchema)}, nil))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	const contacts = 3000
	path := importFile(t, contacts)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	stores := map[string]func(t *testing.T) store.Store{
		"sqlite": func(t *testing.T) store.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "j.db"))
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		"postgres": func(t *testing.T) store.Store {
			_, dsn := pgtest.Schema(t)
			st, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := open(t)
			defer st.Close()
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var out, errs bytes.Buffer
			e := &env{stdout: &out, stderr: &errs}
			progress := &plainProgress{w: &errs, size: inputSize(f), start: time.Now()} // a line per chunk
			if n := importStream(ctx, e, st, prog.Schema, f, 30*24*time.Hour, progress); n != 1 {
				t.Errorf("rejected %d lines, want 1", n)
			}
			want := fmt.Sprintf("imported %d contacts and %d events (1 duplicate events ignored); rejected 1 lines\n"+
				"changed the consent of 1 contacts\n"+
				"  line 3003: attributes.n: expected an int, got a string\n", contacts, contacts)
			if out.String() != want {
				t.Errorf("summary:\n%s\nwant:\n%s", out.String(), want)
			}
			// A line per chunk of 2000 stored, the last at the consent line.
			lines := strings.Split(strings.TrimSpace(errs.String()), "\n")
			re := regexp.MustCompile(`^import: ([0-9,]+) lines, [0-9.]+ [kM]?B of ` + regexp.QuoteMeta(humanize.Bytes(uint64(info.Size()))) + ` \(([0-9]+)%\), [0-9.]+ [kM]?B/s, [0-9,]+ lines/s`)
			if len(lines) < 3 {
				t.Fatalf("progress lines:\n%s", errs.String())
			}
			prev := 0
			for _, l := range lines {
				m := re.FindStringSubmatch(l)
				if m == nil {
					t.Fatalf("progress line %q", l)
				}
				var n int
				fmt.Sscan(strings.ReplaceAll(m[1], ",", ""), &n)
				if n <= prev {
					t.Errorf("progress went from %d lines to %d", prev, n)
				}
				prev = n
			}
			// c3's inputs: its update and event, its repeated event ignored,
			// then the consent change queued after them.
			work, err := st.Claim(ctx, &store.ClaimParams{Now: time.Now().Add(time.Hour), Limit: contacts + 10, Worker: "w", Lease: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if len(work) != contacts {
				t.Fatalf("%d contacts due, want %d", len(work), contacts)
			}
			for _, w := range work {
				var kinds []string
				for _, in := range w.Inputs {
					kinds = append(kinds, in.Kind+":"+in.ID)
				}
				got := strings.Join(kinds, " ")
				want := "update: event:e" + strings.TrimPrefix(w.State.ID, "c")
				switch w.State.ID {
				case "c3":
					want += " consent:"
				}
				if got != want {
					t.Errorf("%s's inputs: %s, want %s", w.State.ID, got, want)
				}
			}
		})
	}
}

// TestImportProgressBar: the bar a terminal shows ends naming the lines
// read, and the bytes read of the file's size, on a line of its own.
func TestImportProgressBar(t *testing.T) {
	var out bytes.Buffer
	p := &barProgress{w: &out, bar: newImportBar(&out, 10_000_000)}
	p.update(2_500_000, 20_000)
	p.done(10_000_000, 80_000)
	text := out.String()
	for _, want := range []string{"import: 80,000 lines", "100%", "10/10 MB"} {
		if !strings.Contains(text, want) {
			t.Errorf("the bar does not show %q:\n%q", want, text)
		}
	}
	if !strings.HasSuffix(text, "\n") {
		t.Errorf("the bar's line is not ended: %q", text)
	}
}

// TestImportStoreFails: when the store fails, the import stops and names
// the lines of the chunk it could not store.
func TestImportStoreFails(t *testing.T) {
	prog, diags := compiler.Compile(compiler.NewWorkspace(map[string][]byte{"schema.journey": []byte(importSchema)}, nil))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	lines := `{"contact": "ada", "attributes": {"n": 1}}

{"id": "e1", "contact": "ada", "name": "signed_up", "payload": {"plan": "pro"}}
{"contact": "ada", "attributes": {"n": "x"}}
`
	var out, errs bytes.Buffer
	e := &env{stdout: &out, stderr: &errs}
	importStream(context.Background(), e, st, prog.Schema, strings.NewReader(lines), 30*24*time.Hour, nil)
	if e.code != exitUsage || !strings.HasPrefix(errs.String(), "journey: import: lines 1 to 3 (none of them stored; the lines before were): ") {
		t.Errorf("exit %d, stderr %q", e.code, errs.String())
	}
	if out.Len() != 0 {
		t.Errorf("a summary after a failure: %q", out.String())
	}
}
