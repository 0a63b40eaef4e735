package dispatch

import "testing"

func TestHTMLText(t *testing.T) {
	for _, tc := range []struct{ name, html, text string }{
		{"fragment", "<p>Hi &lt;Bob&gt;,   €10\n  off.</p>", "Hi <Bob>, €10 off.\n"},
		{"document", "<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head><body><h1>Title</h1><p>One</p><p>Two</p><script>alert(1)</script></body></html>", "Title\n\nOne\n\nTwo\n"},
		{"breaks", "<p>Line one<br>line two<br/>line three</p>", "Line one\nline two\nline three\n"},
		{"list", "<p>Steps:</p><ol><li>sign in</li><li> invite  a colleague </li></ol>", "Steps:\n\n- sign in\n- invite a colleague\n"},
		{"links", `<p><a href="https://acme.example/a">Open</a>, <a href="https://acme.example/b">https://acme.example/b</a>, <a href="mailto:hi@acme.example">hi@acme.example</a>, <a href="#top">top</a></p>`,
			"Open (https://acme.example/a), https://acme.example/b, hi@acme.example, top\n"},
		{"image", `<p><img src="logo.png" alt="Acme"> news</p>`, "Acme news\n"},
		{"table", "<table><tr><td>Plan</td><td>Pro</td></tr><tr><td>Price</td><td>10 €</td></tr></table>", "Plan Pro\nPrice 10 €\n"},
		{"pre", "<pre>a  b\n  c</pre>", "a  b\n  c\n"},
		{"blank lines", "<div><div><p>A</p></div></div><div></div><p>B</p>", "A\n\nB\n"},
		{"empty", "", ""},
		{"no text", "<div><br></div>", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := htmlText(tc.html); got != tc.text {
				t.Errorf("htmlText(%q)\n= %q\nwant %q", tc.html, got, tc.text)
			}
		})
	}
}
