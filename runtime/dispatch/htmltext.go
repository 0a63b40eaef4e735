package dispatch

// htmlText makes the plain-text part of an HTML email: what a reader
// would see, without markup.
//
// It walks the HTML's tokens (golang.org/x/net/html, the tokenizer of a
// browser's parser): text is kept with its runs of white space made one
// space (in <pre>, kept as written); block elements (p, div, headings,
// tables' rows, blockquote, …) start a paragraph, <br> and <tr> a line,
// <li> a line starting "- "; a link whose text is not its address is
// followed by the address in parentheses; an image gives its alt text;
// the content of <head>, <script>, <style> and <template> is left out.
// Entities are decoded. Blank lines are kept to one between paragraphs.

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blocks are the elements that start and end a paragraph.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Table: true, atom.Ul: true, atom.Ol: true, atom.Blockquote: true, atom.Pre: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Hr: true, atom.Dl: true, atom.Center: true,
	atom.Main: true, atom.Nav: true, atom.Aside: true, atom.Figure: true, atom.Address: true,
}

// hidden are the elements whose content is not shown.
var hidden = map[atom.Atom]bool{atom.Head: true, atom.Script: true, atom.Style: true, atom.Template: true, atom.Title: true}

var (
	spaces     = regexp.MustCompile(`[ \t\r\n\f]+`)
	blankLines = regexp.MustCompile(`\n{3,}`)
)

// htmlText returns the text of an HTML document or fragment.
func htmlText(src string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(src))
	hide, pre := 0, 0
	var href []string // the open links' addresses
	var linkStart []int
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if hide > 0 {
				continue
			}
			text := tok.Data
			if pre == 0 {
				text = spaces.ReplaceAllString(text, " ")
				if s := b.String(); s == "" || strings.HasSuffix(s, "\n") || strings.HasSuffix(s, " ") {
					text = strings.TrimLeft(text, " ")
				}
			}
			b.WriteString(text)
		case html.StartTagToken, html.SelfClosingTagToken:
			a := tok.DataAtom
			switch {
			case hidden[a]:
				if tt == html.StartTagToken {
					hide++
				}
			case hide > 0:
			case blocks[a]:
				b.WriteString("\n\n")
				if a == atom.Pre {
					pre++
				}
			case a == atom.Br:
				b.WriteString("\n")
			case a == atom.Tr:
				b.WriteString("\n")
			case a == atom.Td || a == atom.Th:
				if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") && !strings.HasSuffix(s, " ") {
					b.WriteString(" ")
				}
			case a == atom.Li:
				b.WriteString("\n- ")
			case a == atom.Img:
				if alt := attr(tok, "alt"); alt != "" {
					b.WriteString(alt)
				}
			case a == atom.A && tt == html.StartTagToken:
				href = append(href, attr(tok, "href"))
				linkStart = append(linkStart, b.Len())
			}
		case html.EndTagToken:
			a := tok.DataAtom
			switch {
			case hidden[a]:
				if hide > 0 {
					hide--
				}
			case hide > 0:
			case blocks[a]:
				b.WriteString("\n\n")
				if a == atom.Pre && pre > 0 {
					pre--
				}
			case a == atom.A && len(href) > 0:
				h, start := href[len(href)-1], linkStart[len(linkStart)-1]
				href, linkStart = href[:len(href)-1], linkStart[:len(linkStart)-1]
				text := strings.TrimSpace(b.String()[start:])
				if h != "" && !strings.HasPrefix(h, "#") && text != h && "mailto:"+text != h {
					b.WriteString(" (" + h + ")")
				}
			}
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	out := strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
	if out == "" {
		return ""
	}
	return out + "\n"
}

// attr is a tag's attribute, or "".
func attr(t html.Token, name string) string {
	for _, a := range t.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}
