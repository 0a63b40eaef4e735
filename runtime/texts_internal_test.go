package runtime

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/journeylang/journey/compiler"
)

// textsSubject and textsBody are the parts of the parse-once tests'
// template.
const (
	textsSubject = "News for {{.first_name}}"
	textsBody    = "<p>Hi {{.first_name}}</p>\n<a href=\"{{unsubscribe_url}}\">Unsubscribe</a>\n"
)

// textsEngine is an engine on a deployment of one HTML template, which
// gives contact c the link https://example.com/u/c.
func textsEngine(t *testing.T) *Engine {
	t.Helper()
	files := map[string][]byte{
		"schema.journey": []byte("contact {\n  email: string\n  first_name: string\n}\nevent signed_up\n"),
		"j.journey":      []byte("journey j\nentry on signed_up\nstage S {\n  send \"news\"\n}\n"),
	}
	templates := map[string][]byte{"news.html": []byte("subject: " + textsSubject + "\n" + textsBody)}
	prog, diags := compiler.Compile(compiler.NewWorkspace(files, templates))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	d, err := NewDeployment(prog)
	if err != nil {
		t.Fatal(err)
	}
	return &Engine{Deployment: d, Unsubscribe: func(contact, _ string) string { return "https://example.com/u/" + contact }}
}

// sendNews renders the news send for contact id and checks that it
// carries the contact's name and link.
func sendNews(e *Engine, id string) error {
	s := &ContactState{ID: id, Attrs: map[string]any{"email": id + "@example.com", "first_name": "N" + id}}
	p, err := (&run{e: e, s: s}).message(&compiler.Step{Kind: compiler.StepSend, Target: "news", Channel: "email"})
	if err != nil {
		return err
	}
	want := "<p>Hi N" + id + "</p>\n<a href=\"https://example.com/u/" + id + "\">Unsubscribe</a>\n"
	if p["html"] != want || p["subject"] != "News for N"+id {
		return fmt.Errorf("contact %s: subject %q, html %q", id, p["subject"], p["html"])
	}
	return nil
}

// parsedKeys is the keys of the texts parsed, and the instances each has
// not in use.
func parsedKeys(ts *texts) (keys []string, free []int) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for k := range ts.parsed {
		keys = append(keys, fmt.Sprintf("%s html=%v %q", k.name, k.html, k.text))
	}
	sort.Strings(keys)
	for _, p := range ts.parsed {
		p.mu.Lock()
		free = append(free, len(p.free))
		p.mu.Unlock()
	}
	return keys, free
}

// wantParsed is the keys of the news template's subject and body.
var wantParsed = []string{
	fmt.Sprintf("templates/news.html html=false %q", textsSubject),
	fmt.Sprintf("templates/news.html html=true %q", textsBody),
}

// TestTextsParsedOnce: sends one after another for many contacts parse
// the subject and the body once, and execute one clone of each, which
// every send takes back.
func TestTextsParsedOnce(t *testing.T) {
	e := textsEngine(t)
	for i := range 20 {
		if err := sendNews(e, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	keys, free := parsedKeys(e.Deployment.texts)
	if strings.Join(keys, "\n") != strings.Join(wantParsed, "\n") {
		t.Errorf("parsed:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(wantParsed, "\n"))
	}
	if fmt.Sprint(free) != "[1 1]" {
		t.Errorf("instances not in use: %v, want one of each text", free)
	}
}

// TestTextsConcurrent: workers sending at once each render their own
// contact, and the texts end with no more instances than workers, all
// given back. Run with -race.
func TestTextsConcurrent(t *testing.T) {
	e := textsEngine(t)
	const workers, each = 4, 50
	errs := make(chan error, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := range each {
				if err := sendNews(e, fmt.Sprintf("%d-%d", w, k)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	keys, free := parsedKeys(e.Deployment.texts)
	if len(keys) != len(wantParsed) {
		t.Errorf("parsed %d texts, want %d: %v", len(keys), len(wantParsed), keys)
	}
	for _, n := range free {
		if n < 1 || n > workers {
			t.Errorf("instances not in use: %v, want 1 to %d of each text", free, workers)
		}
	}
}
