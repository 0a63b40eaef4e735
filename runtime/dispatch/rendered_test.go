package dispatch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/dispatch"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/memory"
	"github.com/journeylang/journey/runtime/worker"
)

// TestRenderedTexts runs a journey whose notify text and task title are
// templates, then delivers its outbox: the log sink writes, and the webhook
// sink posts, the texts as the engine rendered them for the contact, with
// `owner` resolved to the contact's owner.
func TestRenderedTexts(t *testing.T) {
	ctx := context.Background()
	prog, diags := compiler.Compile(compiler.NewWorkspace(map[string][]byte{
		"schema.journey": []byte("contact {\n  email: string\n  owner: string?\n  company: { name: string }\n}\nevent signed_up\nteam sales\n"),
		"j.journey": []byte("journey j\nentry on signed_up\nstage S {\n" +
			"  notify sales \"New lead at {{.company.name}}: {{.email}}\"\n" +
			"  task \"Call {{.company.name}}\" for owner due 1d\n}\n"),
	}, nil))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	d, err := runtime.NewDeployment(prog)
	noErr(t, err)
	s := memory.New()
	noErr(t, s.PutContact(ctx, &store.PutContactParams{ID: "ada", At: t0,
		Attrs: map[string]any{"email": "ada@example.com", "owner": "sam", "company": map[string]any{"name": "Analytical"}}}))
	_, err = s.AddEvent(ctx, &store.AddEventParams{Contact: "ada", ID: "e1", Name: "signed_up", At: t0})
	noErr(t, err)
	noErr(t, worker.NewSim(d, s, t0).Advance(ctx, t0))

	var log bytes.Buffer
	r := newReceiver(t, secret)
	disp := &dispatch.Dispatcher{
		Store: s, Worker: "d", Clock: (&clock{t: t0}).Now,
		Routes: map[string]*dispatch.Route{
			"notify": {Name: "log", Sink: dispatch.NewLogSink(&log)},
			"task":   {Name: "crm", Sink: &dispatch.WebhookSink{URL: r.srv.URL, Secret: secret}},
		},
	}
	n, err := disp.Tick(ctx)
	noErr(t, err)
	if n != 2 {
		t.Fatalf("delivered %d rows, want 2", n)
	}

	var line struct{ Payload map[string]any }
	noErr(t, json.Unmarshal(log.Bytes(), &line))
	wantNotify := map[string]any{"team": "sales", "text": "New lead at Analytical: ada@example.com", "contact": "ada"}
	if diff := cmp.Diff(wantNotify, line.Payload); diff != "" {
		t.Errorf("log sink's notify (-want +got):\n%s", diff)
	}
	if len(r.bodies) != 1 {
		t.Fatalf("webhook calls: %d", len(r.bodies))
	}
	for _, body := range r.bodies {
		var hook struct {
			Data struct{ Payload map[string]any }
		}
		noErr(t, json.Unmarshal(body, &hook))
		wantTask := map[string]any{"title": "Call Analytical", "for": "sam", "due": "2026-01-06T09:00:00Z", "contact": "ada"}
		if diff := cmp.Diff(wantTask, hook.Data.Payload); diff != "" {
			t.Errorf("webhook sink's task (-want +got):\n%s", diff)
		}
	}
}
