package compiler

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestEnvelopeAsMarshaled checks that WriteBundle writes its envelope as
// encoding/json writes the envelope struct, signed and unsigned.
func TestEnvelopeAsMarshaled(t *testing.T) {
	prog, diags := Compile(synthWorkspace(2))
	if diags.HasErrors() {
		t.Fatalf("the workspace has errors; the first: %v", diags[0])
	}
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []ed25519.PrivateKey{nil, key} {
		data, err := WriteBundle(prog, k)
		if err != nil {
			t.Fatal(err)
		}
		var e envelope
		if err := json.Unmarshal(data, &e); err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if want = append(want, '\n'); !bytes.Equal(data, want) {
			t.Errorf("signed %v: the envelope differs from encoding/json's:\n got %.300s\nwant %.300s", k != nil, data, want)
		}
	}
}

// TestBodyAsMarshaled checks that writeBody writes what json.Marshal
// writes for the body, with every field that may be left out present and
// absent, and with no journey.
func TestBodyAsMarshaled(t *testing.T) {
	if n := reflect.TypeFor[body]().NumField(); n != 11 {
		t.Fatalf("body has %d fields: writeBody writes 11, and must write each", n)
	}
	crm, err := LoadWorkspace("../examples/crm")
	if err != nil {
		t.Fatal(err)
	}
	prog, diags := Compile(crm)
	if diags.HasErrors() {
		t.Fatalf("the workspace has errors; the first: %v", diags[0])
	}
	if prog.Teams == nil || prog.Rules == nil || prog.Holidays == nil {
		t.Fatal("the workspace no longer declares teams, rules and holidays")
	}
	full, err := newBody(prog)
	if err != nil {
		t.Fatal(err)
	}
	full.Budget = &Budget{Sends: 3, Per: Duration(24 * time.Hour)}
	bare := *full
	bare.Budget, bare.Teams, bare.Rules, bare.Holidays, bare.Templates = nil, nil, nil, nil, nil
	none, empty := bare, bare
	none.Journeys, empty.Journeys = nil, []*Journey{}
	for name, b := range map[string]*body{"full": full, "bare": &bare, "no journeys": &none, "empty journeys": &empty} {
		want, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeBody(&got, b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: the body differs from json.Marshal's:\n got %.300s\nwant %.300s", name, got.Bytes(), want)
		}
	}
}

// TestSizeHint checks that the buffer a bundle of the generated workspace
// is written in is allocated large enough at once, and not far larger.
func TestSizeHint(t *testing.T) {
	prog, diags := Compile(synthWorkspace(40))
	if diags.HasErrors() {
		t.Fatalf("the workspace has errors; the first: %v", diags[0])
	}
	data, err := WriteBundle(prog, nil)
	if err != nil {
		t.Fatal(err)
	}
	if hint := sizeHint(prog); hint < len(data) || hint > len(data)*3/2 {
		t.Errorf("the size hint is %d bytes for a bundle of %d", hint, len(data))
	}
}
