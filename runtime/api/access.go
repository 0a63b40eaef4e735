package api

// Who may call the API, and on which paths. With a token, the token is the
// check. Without one, the API serves only programs on the same machine;
// local tells them from a web page open in a browser there. canonical
// keeps http.ServeMux from redirecting a request to a path the client did
// not send.

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// canonical answers 404 to a path with a . or .. segment or an empty one
// (//), which http.ServeMux would redirect to its cleaned form: a PUT is
// not sent elsewhere than where the client sent it. Under /v1/ the guard
// comes first, as for any path there.
func (s *Server) canonical(next http.Handler) http.Handler {
	unclean := func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, &FieldError{Code: CodeNotFound,
			Message: fmt.Sprintf("no route %s: a path has no . or .. segment and no //; escape an id . or .. as %%2E or %%2E%%2E", r.URL.EscapedPath())})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.EscapedPath()
		if p == cleanPath(p) || r.Method == http.MethodConnect {
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(p, "/v1/") {
			s.guard(unclean)(w, r)
			return
		}
		unclean(w, r)
	})
}

// cleanPath is a path as http.ServeMux cleans it: rooted, without . or ..
// segments or //, its trailing slash kept.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// guard lets a request through when it carries the token or, with no
// token configured, when it passes local: it comes from a loopback
// address, to a loopback host, from no web page of another origin, and a
// write carries JSON.
func (s *Server) guard(next http.HandlerFunc) http.HandlerFunc { return s.guardWith(next, false) }

// segmentGuard is guard for the Segment-spec routes, which take the token
// as Segment's libraries send their write key too: as the user name of
// Basic auth (`Authorization: Basic base64(TOKEN:)`), the password
// ignored.
func (s *Server) segmentGuard(next http.HandlerFunc) http.HandlerFunc { return s.guardWith(next, true) }

// guardWith is guard; basic takes the token as Basic auth's user name
// too.
func (s *Server) guardWith(next http.HandlerFunc, basic bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Token == "" {
			if status, e := local(r); e != nil {
				s.fail(w, r, status, e)
				return
			}
			next(w, r)
			return
		}
		if !s.authorized(r, basic) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="journey"`)
			msg := "a valid `Authorization: Bearer <token>` header is required"
			if basic {
				w.Header().Add("WWW-Authenticate", `Basic realm="journey"`)
				msg = "a valid `Authorization: Bearer <token>` header, or Basic auth with the token as the user name (the write key of Segment's libraries), is required"
			}
			if r.Header.Get("Authorization") == "" {
				msg = "the Authorization header is missing; send `Authorization: Bearer <token>`"
				if basic {
					msg += ", or Basic auth with the token as the user name"
				}
			}
			s.fail(w, r, http.StatusUnauthorized, &FieldError{Code: CodeUnauthorized, Message: msg})
			return
		}
		next(w, r)
	}
}

// authorized reports whether a request carries the token: as a bearer
// token or, when basic, as Basic auth's user name. The token's hash is
// compared in constant time.
func (s *Server) authorized(r *http.Request, basic bool) bool {
	var token string
	if user, _, ok := r.BasicAuth(); ok && basic {
		token = user
	} else if scheme, t, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(t)
	} else {
		return false
	}
	given := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(given[:], s.token[:]) == 1
}

// local checks a request served without a token, as only a program on
// the same machine may call the API then. Besides the peer's address it
// checks what a web page in a browser on this machine could forge:
//
//   - the Host must be a loopback name (127.0.0.1, localhost, [::1], any
//     port): a page of another site whose name an attacker points at
//     127.0.0.1 (DNS rebinding) still sends its own name;
//   - an Origin, when there is one, must be a loopback origin on the
//     server's port: a browser sends the page's origin with its requests
//     to other sites (cross-site request forgery);
//   - a write must be Content-Type: application/json, which a page cannot
//     send to another origin without the browser asking first.
//
// It returns the status and the error to answer, or a nil error.
func local(r *http.Request) (int, *FieldError) {
	if !loopback(r.RemoteAddr) {
		return http.StatusForbidden, &FieldError{Code: CodeForbidden,
			Message: "no API token is configured, so only loopback clients are served; configure a token to call the API from " + r.RemoteAddr}
	}
	host, port := splitHost(r.Host)
	if !loopbackName(host) {
		return http.StatusForbidden, &FieldError{Code: CodeForbidden,
			Message: fmt.Sprintf("no API token is configured, so only requests to a loopback host (127.0.0.1, localhost or [::1]) are served; the Host header is %q", r.Host)}
	}
	for _, origin := range r.Header.Values("Origin") {
		if !loopbackOrigin(origin, port) {
			return http.StatusForbidden, &FieldError{Code: CodeForbidden,
				Message: fmt.Sprintf("no API token is configured, so requests from web pages of other origins are refused; the Origin header is %q", origin)}
		}
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			return http.StatusUnsupportedMediaType, &FieldError{Code: CodeUnsupportedMediaType,
				Message: fmt.Sprintf("a %s must carry `Content-Type: application/json`; the Content-Type header is %q", r.Method, r.Header.Get("Content-Type"))}
		}
	}
	return 0, nil
}

// loopback reports whether a remote address is on the loopback interface.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// splitHost splits a Host header into its name (without brackets) and its
// port, "80" when it has none.
func splitHost(hostport string) (string, string) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	if port == "" {
		port = "80"
	}
	return strings.Trim(host, "[]"), port
}

// loopbackName reports whether a host name is localhost or a loopback
// address.
func loopbackName(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackOrigin reports whether an Origin header names an http or https
// origin on a loopback host and the given port.
func loopbackOrigin(origin, port string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	p := u.Port()
	if p == "" {
		p = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return loopbackName(u.Hostname()) && p == port
}
