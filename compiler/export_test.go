package compiler

import "encoding/json"

// RedigestForTest recomputes a bundle's digest after its body was edited,
// as a careful forger would; the signature then is what refuses it.
func RedigestForTest(data []byte) []byte {
	var e envelope
	if err := json.Unmarshal(data, &e); err != nil {
		panic(err)
	}
	e.Digest = sha256Hex(e.Body)
	out, err := json.Marshal(e)
	if err != nil {
		panic(err)
	}
	return out
}
