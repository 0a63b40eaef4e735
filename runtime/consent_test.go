package runtime_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestConsentInOneRun takes a send and a withdrawal of consent in one run:
// the send the run wrote is taken back and recorded withdrawn, the store
// is asked to cancel earlier ones, and the transactional send beside it
// goes, without the unsubscribe link the marketing one carries.
func TestConsentInOneRun(t *testing.T) {
	d := storetest.Deploy(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"news.journey":   []byte("journey news\nentry on signed_up\nstage Only {\n  send \"tips\"\n  send \"welcome\"\n  after 1h send \"tips\"\n}\n"),
	}, map[string][]byte{
		"tips.md":    []byte("subject: Tips\n\nTips\n"),
		"welcome.md": []byte("subject: Welcome\nTransactional: true\n\nHello\n"),
	})
	var links []string
	e := &runtime.Engine{Deployment: d, Unsubscribe: func(contact, channel string) string {
		links = append(links, contact+"/"+channel)
		return "https://example.com/u/" + contact
	}}
	s := &runtime.ContactState{ID: "ada", Processed: t0}
	out := e.Run(s, []runtime.Input{
		{Seq: 1, Kind: runtime.InputEvent, Name: "signed_up", At: t0},
		{Seq: 2, Kind: runtime.InputConsent, Name: "email", Payload: map[string]any{"state": runtime.ConsentComplained}, At: t0.Add(time.Minute)},
	}, t0.Add(2*time.Hour))

	var actions []string
	for _, a := range out.Actions {
		actions = append(actions, a.Target+" "+string(a.Payload))
	}
	if diff := cmp.Diff([]string{`welcome {"channel":"email","contact":"ada","subject":"Welcome","template":"welcome","text":"Hello\n","transactional":true}`}, actions); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ada/email"}, links); diff != "" {
		t.Errorf("links made (-want +got):\n%s", diff)
	}
	var recs []string
	for _, r := range out.Records {
		if r.Kind != runtime.RecEnrolled && r.Kind != runtime.RecStage {
			recs = append(recs, r.At.Sub(t0).String()+" "+r.Kind+" "+r.Detail)
		}
	}
	want := []string{"0s sent tips", "0s sent welcome", "1m0s withdrawn tips", "1h0m0s unsubscribed tips"}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]runtime.Withdrawal{{Channel: "email", At: t0.Add(time.Minute)}}, out.Withdraw); diff != "" {
		t.Errorf("withdrawals (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"email": runtime.ConsentComplained}, s.Consent); diff != "" {
		t.Errorf("consent (-want +got):\n%s", diff)
	}
	b, _ := json.Marshal(s)
	var back runtime.ContactState
	if err := json.Unmarshal(b, &back); err != nil || back.Subscribed("email") || !back.Subscribed("sms") {
		t.Errorf("state round trip: %s: %v", b, err)
	}
}

// TestTransactionalHeader: consent reads whether a template is
// transactional from its header, as the compiler reads it.
func TestTransactionalHeader(t *testing.T) {
	for _, tc := range []struct {
		content string
		want    bool
	}{
		{"subject: Hi\ntransactional: true\n\nBody\n", true},
		{"subject: Hi\r\ntransactional: true\r\n\r\nBody\r\n", true},
		{"subject: Hi\ntransactional: false\n\nBody\n", false},
		{"subject: Hi\n\ntransactional: true\n", false}, // in the body
		{"subject: Hi\n\nBody\n", false},
	} {
		d := storetest.Deploy(t, map[string][]byte{
			"schema.journey": []byte(haltSchema),
			"a.journey":      []byte("journey a\nentry on signed_up\nstage S {\n  send \"t\"\n}\n"),
		}, map[string][]byte{"t.md": []byte(tc.content)})
		if got := d.Transactional("t"); got != tc.want {
			t.Errorf("%q: got %v, want %v", tc.content, got, tc.want)
		}
	}
}

// TestSubscribedCondition: a change of consent is a change of the
// contact, after which conditions that read subscribed() are checked.
func TestSubscribedCondition(t *testing.T) {
	d := storetest.Deploy(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"news.journey":   []byte("journey news\nentry on signed_up\nexit when !subscribed(\"sms\")\nstage Only {\n  after 1d send \"tips\"\n}\n"),
	}, haltTemplates)
	e := &runtime.Engine{Deployment: d}
	s := &runtime.ContactState{ID: "ada", Processed: t0}
	e.Run(s, []runtime.Input{
		{Seq: 1, Kind: runtime.InputEvent, Name: "signed_up", At: t0},
		{Seq: 2, Kind: runtime.InputConsent, Name: "email", Payload: map[string]any{"state": runtime.ConsentUnsubscribed}, At: t0.Add(time.Minute)},
	}, t0.Add(time.Hour))
	if en := s.Active("news"); en == nil {
		t.Fatal("unsubscribing from email ended the enrollment")
	}
	out := e.Run(s, []runtime.Input{
		{Seq: 3, Kind: runtime.InputConsent, Payload: map[string]any{"state": runtime.ConsentComplained}, At: t0.Add(2 * time.Hour)},
	}, t0.Add(3*time.Hour))
	if en := s.Last("news"); en == nil || en.Status != runtime.StatusExited || len(out.Actions) != 0 {
		t.Fatalf("after complaining on every channel: %+v, actions %v", en, out.Actions)
	}
	if diff := cmp.Diff(map[string]string{"email": "complained", "sms": "complained"}, s.Consent); diff != "" {
		t.Errorf("consent (-want +got):\n%s", diff)
	}
}
