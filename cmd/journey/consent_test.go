package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store/sqlite"
	"github.com/journeylang/journey/runtime/worker"
)

// TestImportConsent imports consent lines into a SQLite store: each
// change is queued for its contact, made if the store does not know it,
// and a bad line is rejected, named, and changes nothing.
func TestImportConsent(t *testing.T) {
	prog, diags := compiler.Compile(compiler.NewWorkspace(map[string][]byte{
		"schema.journey": []byte("contact {\n  email: string?\n}\n\nevent signed_up\n"),
		"j.journey":      []byte("journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n}\n"),
	}, map[string][]byte{"welcome.md": []byte("subject: Hi\nHello\n")}))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lines := strings.Join([]string{
		`{"contact": "ada", "attributes": {"email": "ada@example.com"}}`,
		`{"contact": "ada", "unsubscribed": ["email"], "bounced": ["sms"]}`,
		`{"contact": "bob", "complained": ["email"]}`,
		`{"contact": "cy", "unsubscribed": ["fax"]}`,
		`{"contact": "cy", "unsubscribed": ["email"], "subscribed": ["email"]}`,
		`{"contact": "cy", "unsubscribed": []}`,
		`{"contact": "cy", "unsubscribed": ["email"], "attributes": {}}`,
		`{"unsubscribed": ["email"]}`,
	}, "\n")
	var out, errs bytes.Buffer
	e := &env{stdout: &out, stderr: &errs}
	if n := importLines(ctx, e, st, prog.Schema, strings.NewReader(lines), 30*24*time.Hour); n != 5 {
		t.Errorf("rejected %d lines, want 5", n)
	}
	want := `imported 1 contacts and 0 events (0 duplicate events ignored); rejected 5 lines
changed the consent of 2 contacts
  line 4: unsubscribed[0]: not a channel; the channels are email, sms
  line 5: unsubscribed[0]: email is subscribed already in this line
  line 6: unsubscribed: a list of channels (email, sms), not empty
  line 7: attributes: unknown field "attributes" in a consent line; it has contact and lists of channels under subscribed, unsubscribed, bounced, complained
  line 8: contact: a consent line needs the contact's id
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	d, err := runtime.NewDeployment(prog)
	if err != nil {
		t.Fatal(err)
	}
	sim := worker.NewSim(d, st, time.Now())
	if err := sim.Advance(ctx, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]map[string]string{
		"ada": {"email": "unsubscribed", "sms": "bounced"},
		"bob": {"email": "complained"},
	} {
		s, err := st.Contact(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, s.Consent); diff != "" {
			t.Errorf("%s's consent (-want +got):\n%s", id, diff)
		}
	}
	if _, err := st.Contact(ctx, "cy"); err == nil {
		t.Error("a rejected line made its contact")
	}
}
