package consent_test

import (
	"strings"
	"testing"

	"github.com/journeylang/journey/runtime/consent"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func TestRoundTrip(t *testing.T) {
	for _, c := range []string{"ada", "user@example.com", "a.b/c d?é", strings.Repeat("x", 300)} {
		for _, ch := range []string{"email", "sms"} {
			tok := consent.Token(secret, c, ch)
			if strings.ContainsAny(tok, "/?#%+= ") {
				t.Errorf("token %q needs escaping in a path", tok)
			}
			gc, gch, err := consent.Verify(secret, tok)
			if err != nil || gc != c || gch != ch {
				t.Errorf("Verify(Token(%q, %q)) = %q, %q, %v", c, ch, gc, gch, err)
			}
		}
	}
	if got, want := consent.URL("https://j.example.com/", secret, "ada", "email"), "https://j.example.com/v1/unsubscribe/"+consent.Token(secret, "ada", "email"); got != want {
		t.Errorf("URL: %s, want %s", got, want)
	}
}

// TestForged: a token altered anywhere, made with another secret, or
// checked with none, is refused.
func TestForged(t *testing.T) {
	good := consent.Token(secret, "ada", "email")
	parts := strings.Split(good, ".")
	other := consent.Token([]byte("another secret, just as long"), "ada", "email")
	bob := consent.Token(secret, "bob", "email")
	for name, tok := range map[string]string{
		"other secret":    other,
		"channel changed": "sms." + parts[1] + "." + parts[2],
		"contact changed": parts[0] + "." + strings.Split(bob, ".")[1] + "." + parts[2],
		"mac cut":         parts[0] + "." + parts[1] + "." + parts[2][:10],
		"mac flipped":     parts[0] + "." + parts[1] + "." + flip(parts[2]),
		"no mac":          parts[0] + "." + parts[1],
		"extra part":      good + ".x",
		"not base64":      parts[0] + ".!!." + parts[2],
		"empty":           "",
		"empty channel":   "." + parts[1] + "." + parts[2],
	} {
		if c, ch, err := consent.Verify(secret, tok); err == nil {
			t.Errorf("%s: %q verified as %q on %q", name, tok, c, ch)
		}
	}
	if _, _, err := consent.Verify(nil, good); err == nil {
		t.Error("verified with no secret")
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

// FuzzVerify: no token makes Verify panic, and one that verifies names
// what Token was given.
func FuzzVerify(f *testing.F) {
	f.Add(consent.Token(secret, "ada", "email"))
	f.Add("email..")
	f.Add("..")
	f.Add("email.YWRh.")
	f.Fuzz(func(t *testing.T, tok string) {
		c, ch, err := consent.Verify(secret, tok)
		if err == nil && consent.Token(secret, c, ch) != tok {
			t.Errorf("%q verified as %q on %q, whose token is another", tok, c, ch)
		}
	})
}
