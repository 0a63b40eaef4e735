package compiler

// Writing a bundle's bytes. They are what encoding/json writes for the
// envelope around the body (bundle.go), but made in one buffer: the body
// is encoded a field at a time and a journey at a time, straight after
// the envelope's opening, whose digest is filled in once the body is
// written. Marshaling the body whole and then the envelope around it held
// the body three times over at the end of a compile (encoding/json's
// buffer, the body it returns, the envelope), megabytes for a large
// workspace, and passed it once more through the validation and
// compaction encoding/json gives a json.RawMessage.

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// envelopeHead opens a bundle, its digest zeros for now.
var envelopeHead = `{"journey_bundle":` + strconv.Itoa(BundleFormat) + `,"digest":"` + strings.Repeat("0", 64) + `","body":`

// encodeBundle writes the envelope around body b, signed when key is not
// nil, in a buffer of size bytes to begin with.
func encodeBundle(b *body, key ed25519.PrivateKey, size int) ([]byte, error) {
	out := bytes.NewBuffer(make([]byte, 0, size))
	out.WriteString(envelopeHead)
	start := out.Len()
	if err := writeBody(out, b); err != nil {
		return nil, err
	}
	raw := out.Bytes()[start:]
	copy(out.Bytes()[start-len(`","body":`)-64:], sha256Hex(raw))
	if key != nil {
		sig, err := json.Marshal(&Signature{
			Algorithm: "ed25519",
			KeyID:     KeyID(key.Public().(ed25519.PublicKey)),
			Value:     base64.StdEncoding.EncodeToString(ed25519.Sign(key, raw)),
		})
		if err != nil {
			return nil, err
		}
		out.WriteString(`,"signature":`)
		out.Write(sig)
	}
	out.WriteString("}\n")
	return out.Bytes(), nil
}

// writeBody writes b as json.Marshal writes it: its fields in order, those
// left out when empty left out. TestBodyAsMarshaled holds it to that.
func writeBody(out *bytes.Buffer, b *body) error {
	enc := json.NewEncoder(out)
	var err error
	put := func(key string, v any) {
		if err != nil {
			return
		}
		out.WriteString(key)
		if err = enc.Encode(v); err == nil {
			out.Truncate(out.Len() - 1) // Encode ends a value with a newline
		}
	}
	put(`{"format":`, b.Format)
	put(`,"compiler":`, b.Compiler)
	put(`,"manifest":`, b.Manifest)
	put(`,"schema":`, b.Schema)
	put(`,"env":`, b.Env)
	if b.Journeys == nil {
		put(`,"journeys":`, nil)
	} else {
		for i, j := range b.Journeys {
			if i == 0 {
				put(`,"journeys":[`, j)
			} else {
				put(",", j)
			}
		}
		if len(b.Journeys) == 0 {
			out.WriteString(`,"journeys":[`)
		}
		out.WriteString("]")
	}
	put(`,"templates":`, b.Templates)
	if b.Budget != nil {
		put(`,"budget":`, b.Budget)
	}
	if len(b.Teams) > 0 {
		put(`,"teams":`, b.Teams)
	}
	if len(b.Rules) > 0 {
		put(`,"rules":`, b.Rules)
	}
	if len(b.Holidays) > 0 {
		put(`,"holidays":`, b.Holidays)
	}
	out.WriteString("}")
	return err
}
