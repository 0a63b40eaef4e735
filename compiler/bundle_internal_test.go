package compiler

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"testing"
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
