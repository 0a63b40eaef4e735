package redact_test

import (
	"testing"

	"github.com/journeylang/journey/runtime/redact"
)

func TestURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://hooks.example.com/journey", "https://hooks.example.com/journey"},
		{"https://bob:s3cret@hooks.example.com/j?x=1", "https://bob:xxxxx@hooks.example.com/j?x=1"},
		{"https://bob@hooks.example.com/j", "https://bob@hooks.example.com/j"},
		{"https://h.example/j?token=abc&team=x&API_KEY=k&X-Amz-Signature=s", "https://h.example/j?token=xxxxx&team=x&API_KEY=xxxxx&X-Amz-Signature=xxxxx"},
		{"https://h.example/j?sig=a%20b&b=c%20d", "https://h.example/j?sig=xxxxx&b=c%20d"},
		{"https://h.example/cb#access_token=abc&state=1", "https://h.example/cb#access_token=xxxxx&state=1"},
		{"postgres://bob:s3cret@db:5432/j?sslmode=disable&password=s3cret", "postgres://bob:xxxxx@db:5432/j?sslmode=disable&password=xxxxx"},
		// Unparsable: from the scheme to the last @ is masked.
		{"postgres://bob:s3cret@127.0.0.1:notaport/db", "postgres://xxxxx@127.0.0.1:notaport/db"},
		{"postgres://bob:s3%cret@127.0.0.1/db?password=p", "postgres://xxxxx@127.0.0.1/db?password=xxxxx"},
		{"postgres://bob:p@ss w rd@db/j", "postgres://xxxxx@db/j"},
	} {
		if got := redact.URL(c.in); got != c.want {
			t.Errorf("URL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`hooks: Post "http://bob:s3cret@127.0.0.1:1/h?token=t": dial tcp: refused`, `hooks: Post "http://bob:xxxxx@127.0.0.1:1/h?token=xxxxx": dial tcp: refused`},
		{`POST https://u:p@h/x?a=1: 503 Service Unavailable`, `POST https://u:xxxxx@h/x?a=1: 503 Service Unavailable`},
		{`no URL here: a=b password=c`, `no URL here: a=b password=c`},
	} {
		if got := redact.Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDSN(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"journey.db", "journey.db"},
		{"/var/lib/journey/journey.db", "/var/lib/journey/journey.db"},
		{"postgres://u:pw@h/db", "postgres://u:xxxxx@h/db"},
		{"host=db user=j password=s3cret dbname=j", "host=db user=j password=xxxxx dbname=j"},
		{"host=db password = 's3 cr\\'et' sslmode=disable", "host=db password = xxxxx sslmode=disable"},
		{"host=db password='s3cret", "host=db password=xxxxx"},
		{"host=db sslpassword=x sslkey=/k", "host=db sslpassword=xxxxx sslkey=xxxxx"},
	} {
		if got := redact.DSN(c.in); got != c.want {
			t.Errorf("DSN(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
