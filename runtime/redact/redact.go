// Package redact takes the secrets out of URLs and database connection
// strings before they are shown or stored: in logs, in errors, in the
// outbox's last error, in the command line's output. It is a leaf: every
// part that prints a URL or a DSN calls it, and it calls nothing of the
// project.
//
// What is a secret:
//
//   - a URL's password (https://user:xxxxx@host/…); the user name stays,
//     it says which account;
//   - the value of a query parameter or a fragment's parameter (in a
//     URL), or of a setting (in a key=value connection string), whose name holds pass, pwd, secret,
//     token, key, sig, auth or credential, in any case: password, api_key,
//     access_token, X-Amz-Signature, sslpassword, …
//
// Each becomes "xxxxx", as net/url's URL.Redacted writes a password. A URL
// that does not parse is redacted all the same, more widely: everything
// between its scheme and its last @ is taken for the user and password.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces each secret.
const Mask = "xxxxx"

// secretWords are the parts of a parameter's name that make its value a
// secret.
var secretWords = []string{"pass", "pwd", "secret", "token", "key", "sig", "auth", "credential"}

// Secret reports whether a parameter of this name holds a secret.
func Secret(name string) bool {
	name = strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// URL returns raw with its password and secret query parameters masked.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return unparsedURL(raw)
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), Mask)
		}
	}
	u.RawQuery = query(u.RawQuery)
	if u.Fragment != "" { // #access_token=…
		u.Fragment, u.RawFragment = settings(u.Fragment), ""
	}
	return u.String()
}

// query masks the secret parameters of a raw query, keeping its order and
// its escaping.
func query(raw string) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		rawName, _, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		name := rawName
		if n, err := url.QueryUnescape(rawName); err == nil {
			name = n
		}
		if Secret(name) {
			parts[i] = rawName + "=" + Mask
		}
	}
	return strings.Join(parts, "&")
}

// unparsedURL redacts a URL that does not parse: the user info, taken to
// run from the scheme to the last @, and the secret query parameters.
func unparsedURL(raw string) string {
	out := raw
	if scheme, rest, ok := strings.Cut(raw, "://"); ok {
		if at := strings.LastIndexByte(rest, '@'); at >= 0 {
			out = scheme + "://" + Mask + rest[at:]
		}
	}
	return settings(out)
}

// setting matches a name=value pair of a key=value connection string or
// of a query: the value runs to the next space, &, or ; or is quoted in
// single quotes (as lib/pq writes it; an unterminated quote runs to the
// end).
var setting = regexp.MustCompile(`([A-Za-z0-9_.\-%]+)(\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s&;]*)`)

// settings masks the values of the secret settings in a text.
func settings(s string) string {
	return setting.ReplaceAllStringFunc(s, func(m string) string {
		sub := setting.FindStringSubmatch(m)
		name := sub[1]
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if !Secret(name) {
			return m
		}
		return sub[1] + sub[2] + Mask
	})
}

// urlInText matches a URL inside a text, up to a space or a quote.
var urlInText = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.\-]*://[^\s"'<>]+`)

// Text returns a text (an error's message, say) with every URL in it
// redacted as URL does.
func Text(s string) string {
	return urlInText.ReplaceAllStringFunc(s, URL)
}

// DSN returns a database connection string with its secrets masked: a URL
// (postgres://…) as URL does, a key=value string (host=… password=…) by
// its secret settings. A SQLite file's path comes back as it is, unless
// it reads as either.
func DSN(dsn string) string {
	if strings.Contains(dsn, "://") {
		return URL(dsn)
	}
	return settings(dsn)
}
