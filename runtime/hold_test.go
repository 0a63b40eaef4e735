package runtime_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// TestHeldSendFromEarlierState runs a state written when a held send kept
// its block's cursor on it (Hold set on the block's cursor, the send not
// yet done): the engine gives the send a cursor of its own, and the rest
// of the block keeps its offsets, as with a state written today.
func TestHeldSendFromEarlierState(t *testing.T) {
	d := storetest.Deploy(t, map[string][]byte{
		"schema.journey": []byte(haltSchema),
		"j.journey": []byte("journey j\nentry on signed_up\nwindow 09:00-18:00 mon-fri\n" +
			"stage S {\n  after 13h send \"welcome\"\n  after 14h notify sales \"Call\"\n}\nteam sales\n"),
	}, haltTemplates)
	e := &runtime.Engine{Deployment: d}
	in := []runtime.Input{{Seq: 1, Kind: runtime.InputEvent, Name: "signed_up", At: t0}}
	held := t0.Add(13*time.Hour + 30*time.Minute) // the send held, the notify not yet due
	end := t0.Add(2 * 24 * time.Hour)

	now := &runtime.ContactState{ID: "ada", Attrs: map[string]any{"email": "a@example.com"}}
	e.Run(now, in, t0)
	e.Run(now, nil, held)
	then := &runtime.ContactState{ID: "ada", Attrs: map[string]any{"email": "a@example.com"}}
	e.Run(then, in, t0)
	e.Run(then, nil, held)

	// Write then's enrollment as the earlier engine did.
	en := then.Active("j")
	i := slices.IndexFunc(en.Cursors, func(c *runtime.Cursor) bool { return c.Held })
	if i < 0 || len(en.Cursors) != 2 {
		b, _ := json.Marshal(en.Cursors)
		t.Fatalf("cursors %s: want the block's and the held send's", b)
	}
	h := en.Cursors[i]
	en.Cursors = slices.Delete(en.Cursors, i, i+1)
	c := en.Cursors[0]
	c.Next, c.Hold, c.Done = h.Next, h.Hold, slices.DeleteFunc(c.Done, func(id string) bool { return id == h.Next })

	want := e.Run(now, nil, end).Records
	got := e.Run(then, nil, end).Records
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-today +earlier):\n%s", diff)
	}
	kinds := []string{}
	for _, r := range got {
		kinds = append(kinds, r.Kind+"@"+r.At.Sub(t0).String())
	}
	if w := []string{"notified@14h0m0s", "sent@24h0m0s"}; !slices.Equal(kinds, w) {
		t.Errorf("records %v, want %v", kinds, w)
	}
}
