package api

import (
	"testing"
	"time"
)

func TestParseInt(t *testing.T) {
	cases := []struct {
		in      string
		want    int64
		problem string
	}{
		{"0", 0, ""}, {"-0", 0, ""}, {"42", 42, ""}, {"-7", -7, ""}, {"1e3", 1000, ""}, {"2.0", 2, ""},
		{"1.50e1", 15, ""}, {"0.0", 0, ""}, {"0e999999999999", 0, ""}, {"120e-1", 12, ""},
		{"9223372036854775807", 9223372036854775807, ""}, {"-9223372036854775808", -9223372036854775808, ""},
		{"1.5", 0, notWhole}, {"1e-3", 0, notWhole}, {"1.0000000000000000000001", 0, notWhole}, {"1e-99999999999", 0, notWhole},
		{"9223372036854775808", 0, outOfRange}, {"1e19", 0, outOfRange}, {"1e99999999999", 0, outOfRange}, {"-9.3e18", 0, outOfRange},
	}
	for _, c := range cases {
		got, problem := parseInt(c.in)
		if got != c.want || problem != c.problem {
			t.Errorf("parseInt(%s) = %d %q, want %d %q", c.in, got, problem, c.want, c.problem)
		}
	}
}

func TestParseDuration(t *testing.T) {
	ok := map[string]time.Duration{
		"0": 0, "90s": 90 * time.Second, "1h30m": 90 * time.Minute, "1.5h": 90 * time.Minute, "250ms": 250 * time.Millisecond,
		"3d": 72 * time.Hour, "2w": 14 * 24 * time.Hour, "1d12h": 36 * time.Hour, "-1h": -time.Hour, "+2m": 2 * time.Minute,
	}
	for in, want := range ok {
		if got, good := ParseDuration(in); !good || got != want {
			t.Errorf("ParseDuration(%q) = %v %v, want %v", in, got, good, want)
		}
	}
	for _, in := range []string{"", "-", "3", "d", "3 d", "3days", "1x", "1d-1h", "99999999999w", "9999999999h", "..h", "1e3s"} {
		if got, good := ParseDuration(in); good {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
}

func TestDuplicateKey(t *testing.T) {
	cases := []struct{ body, field string }{
		{`{"a": [{"x": 1}, {"x": 2}], "b": {"x": 1}, "c": [[], {}, "x", 1, null, true]}`, ""},
		{`[{"k": 1}, {"k": 1, "j": {"k": 2}}]`, ""},
		{`{"a": 1, "b": 2, "a": 3}`, "a"},
		{`{"a": [{"x": 1}, {"x": 2, "y": [1, {"z": 1, "z": 2}]}]}`, "a[1].y[1].z"},
		{`[{"k": 1}, {"k": 1, "k": 2}]`, "[1].k"},
		{`{"a b": {"c": 1, "c": 1}}`, `["a b"].c`},
		{`{"": 1, "": 2}`, `[""]`},
		{`{"m": {"x": {}, "y": [], "x": 0}}`, "m.x"},
		{`{"e": 1, "\u0065": 2}`, "e"},
	}
	for _, c := range cases {
		field, dup := duplicateKey([]byte(c.body))
		if dup != (c.field != "") || field != c.field {
			t.Errorf("duplicateKey(%s) = %q %v, want %q", c.body, field, dup, c.field)
		}
	}
}

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"Order Completed": "order_completed", "firstName": "first_name", "createdAt": "created_at", "pageURL": "page_url",
		"URL": "url", "HTTPServer": "http_server", "first_name": "first_name", "Sign-Up  Started!": "sign_up_started",
		"v2Event": "v2_event", "ÉtéFini": "été_fini", "__x__": "x", "": "", "!!": "",
	} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}
