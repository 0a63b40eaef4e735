// Package consent makes and checks the tokens of one-click unsubscribe
// links (RFC 8058; docs/semantics.md rule 12). A token names a contact and a
// channel and carries an HMAC-SHA256 of both under the runner's secret,
// so that the link in a message unsubscribes that contact from that
// channel and nothing else, with no account and no API token: whoever
// holds the link may use it, and no one can make one without the secret.
//
// A token is three dot-separated parts, each URL-safe without escaping:
//
//	CHANNEL "." base64url(CONTACT) "." base64url(HMAC-SHA256(secret, "journey-unsubscribe\x00" CHANNEL "\x00" CONTACT))
//
// base64url without padding (RFC 4648 §5). The package is a leaf: it
// knows nothing of stores or of the API.
package consent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// MinSecret is the shortest secret taken, in bytes.
const MinSecret = 16

// ErrBadToken is returned by Verify for a token that is malformed, or was
// not made with the secret for the contact and channel it names.
var ErrBadToken = errors.New("not a valid unsubscribe token")

var b64 = base64.RawURLEncoding.Strict() // one encoding per value: a token has one spelling

// Token returns the token of a contact's link on a channel.
func Token(secret []byte, contact, channel string) string {
	return channel + "." + b64.EncodeToString([]byte(contact)) + "." + b64.EncodeToString(mac(secret, contact, channel))
}

// Verify checks a token and returns the contact and the channel it names,
// or ErrBadToken. An empty secret verifies nothing.
func Verify(secret []byte, token string) (contact, channel string, err error) {
	parts := strings.Split(token, ".")
	if len(secret) == 0 || len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return "", "", ErrBadToken
	}
	c, err1 := b64.DecodeString(parts[1])
	sum, err2 := b64.DecodeString(parts[2])
	if err1 != nil || err2 != nil || !hmac.Equal(sum, mac(secret, string(c), parts[0])) {
		return "", "", ErrBadToken
	}
	return string(c), parts[0], nil
}

// URL returns the one-click link of a contact on a channel: the API's
// POST /v1/unsubscribe/{token} under base, the runner's public URL
// (https://journeys.example.com, with or without a trailing slash).
func URL(base string, secret []byte, contact, channel string) string {
	return strings.TrimRight(base, "/") + "/v1/unsubscribe/" + Token(secret, contact, channel)
}

func mac(secret []byte, contact, channel string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("journey-unsubscribe\x00" + channel + "\x00" + contact))
	return h.Sum(nil)
}
