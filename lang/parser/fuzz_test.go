package parser_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/journeylang/journey/lang/parser"
	"github.com/journeylang/journey/lang/pos"
)

// seedRoots are the folders whose .journey files (and the .journey
// sections of their .txtar archives) seed the fuzzer.
var seedRoots = []string{"../../testdata", "../../examples", "../../stdlib"}

// trickySeeds are inputs at the edges of the lexer's rules: unterminated
// strings and blocks, `<` and `>` in every role, conditions cut short,
// deep nesting, odd bytes.
var trickySeeds = []string{
	"",
	"journey",
	"journey j \"unterminated\nstage A { send \"x }\n",
	"journey j\nstage A {\n  send \"welcome\"\n",
	"journey j\nstage A < send \"x\"\n",
	"journey j\nstage A when a < b < after 1d send \"x\" > >\n",
	"journey j\nstage A < if a > b < next > else < if c<d < exit > > >\n",
	"journey j\nstage A when score < next { next }\n",
	"journey j\nstage A < > > < <> >< < after\n",
	"<<<<>>>>{{{{}}}}(((())))[[[[]]]]\n",
	"journey j\nexit when a &&\n",
	"journey j\nexit when (a ||\n  b\n",
	"journey j\nexit when \"\"\"triple\nquoted\n",
	"journey j\nexit when 'single\n",
	"journey j\nexit when r\"raw\\\" + b'x' + 0x1Fu + 1e-5 + 7d\n",
	"journey j\nstage A { wait for e when event.within > 1 within 3d { next } timeout { exit } }\n",
	"journey j\nstage A { wait for e when a within }\n",
	"contact { wait: int, when: int, if: int, expect: bool }\njourney j\nexit when a.within\n",
	"contact { a: list<list<map<string, list<enum(x, y)?>>>>, b: { c: { d: { e: int? } } } }\n",
	"contact { a: list<string\n",
	"event e {\nevent f { x: int }\n",
	"test \"t\" {\n  at 5 expect\n  expect not score > 3\n  at 99999999999999999999w event e { a: [1, [2, [3, {b: -4.5}]]] }\n",
	"journey j\nwindow 25:99-123:45 mon-, sat\ncap 99999999999999999999 sends per 1.5d\nreenter after 3x\n",
	"journey j\nstage A { split { 50 % a {} 33.3% {} % b { } } }\n",
	"journey j\nstage A {\r\n  send \"crlf\"\r\n}\r\n",
	"journey j\nstage A { send \"\xff\xfe\" }\n\x00\xc3\x28\n",
	"journey j\nstage A { after 1d after 2d send \"x\" }\n",
	"journey j // comment\n// only a comment\nstage A when a == // c\n  1 { next }\n",
	"journey j\nstage A { if a { if b { if c { if d { if e { if f { if g { next } } } } } } } }\n",
	"journey j\nstage A " + strings.Repeat("< if a ", 40) + strings.Repeat("> ", 40) + "\n",
	"journey j\nexit when " + strings.Repeat("(", 200) + "a" + strings.Repeat(")", 199) + "\n",
	strings.Repeat("{", 300) + strings.Repeat("}", 299),
	"journey j\nstage A {\n  if a { next }" + strings.Repeat(" else if a { next }", 120) + "\n}\n",
	"contact {\n  a: " + strings.Repeat("list<", 120) + "int" + strings.Repeat(">", 120) + "\n}\n",
	strings.Repeat("@ ", 150) + "\n" + strings.Repeat("stage\n", 150),
}

// FuzzParseFile checks that ParseFile never panics, always returns a file,
// reports no more than parser.MaxErrors errors and the one that says so,
// and gives every diagnostic a file name and a range inside the source
// whose line and column agree with its offset.
func FuzzParseFile(f *testing.F) {
	for _, root := range seedRoots {
		for _, src := range journeySources(f, root) {
			f.Add(src)
		}
	}
	for _, s := range trickySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const name = "fuzz.journey"
		file, diags := parser.ParseFile(name, src)
		if file == nil {
			t.Fatal("ParseFile returned a nil *ast.File")
		}
		if n, _ := diags.Count(); n > parser.MaxErrors+1 {
			t.Errorf("%d errors, more than parser.MaxErrors and the one that says so", n)
		}
		lines := pos.NewLines(src)
		for _, d := range diags {
			if d.File != name {
				t.Errorf("%s: File is %q, want %q", d.Code, d.File, name)
			}
			r := d.Range
			if r.Start.Line < 1 || r.End.Line < 1 {
				t.Errorf("%s %q: range %v has a line below 1", d.Code, d.Message, r)
			}
			if r.Start.Offset < 0 || int(r.End.Offset) > len(src) || r.Start.Offset > r.End.Offset {
				t.Errorf("%s %q: offsets [%d, %d) outside [0, %d] or reversed",
					d.Code, d.Message, r.Start.Offset, r.End.Offset, len(src))
				continue
			}
			if want := lines.Pos(int(r.Start.Offset)); r.Start != want {
				t.Errorf("%s %q: start %+v, but offset %d is at %+v", d.Code, d.Message, r.Start, r.Start.Offset, want)
			}
			if want := lines.Pos(int(r.End.Offset)); r.End != want {
				t.Errorf("%s %q: end %+v, but offset %d is at %+v", d.Code, d.Message, r.End, r.End.Offset, want)
			}
		}
	})
}

// journeySources returns every .journey file under root, and every
// .journey section of the .txtar archives there. A root that does not
// exist yet gives nothing.
func journeySources(tb testing.TB, root string) [][]byte {
	var out [][]byte
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && path == root {
				return filepath.SkipDir
			}
			return err
		}
		switch {
		case d.IsDir():
			if d.Name() == "fuzz" && path != root {
				return filepath.SkipDir // the fuzzer's own corpus
			}
		case strings.HasSuffix(path, ".journey"):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out = append(out, src)
		case strings.HasSuffix(path, ".txtar"):
			a, err := txtar.ParseFile(path)
			if err != nil {
				return err
			}
			for _, f := range a.Files {
				if strings.HasSuffix(f.Name, ".journey") {
					out = append(out, f.Data)
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("reading seeds under %s: %v", root, err)
	}
	return out
}
