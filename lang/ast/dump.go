package ast

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/journeylang/journey/lang/pos"
)

// Dump prints a tree as an indented S-expression, the oracle of the parser
// and formatter tests. It shows what a program means, not how it was laid
// out: spans, comments and layout flags (Angle, Inline) are left out, so
// the dump of a file and of its formatted form are equal.
//
//	(Stage Name=Consideration When=`score >= 50`
//	  (Block
//	    (Send After=3d Template="roi-guide")))
func Dump(n Node) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(n), 0)
	b.WriteByte('\n')
	return b.String()
}

var (
	spanType     = reflect.TypeOf(pos.Span{})
	durationType = reflect.TypeOf(time.Duration(0))
)

// layoutFields are fields that record how a node was written, not what it
// means.
var layoutFields = map[string]bool{"Angle": true, "Inline": true, "Comments": true}

func dumpValue(b *strings.Builder, v reflect.Value, depth int) {
	if v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		b.WriteString("nil")
		return
	}
	if s, ok := atom(v); ok {
		b.WriteString(s)
		return
	}
	e := v
	if e.Kind() == reflect.Pointer {
		e = e.Elem()
	}
	b.WriteString("(" + e.Type().Name())
	var attrs []string
	var kids []reflect.Value
	collect(e, &attrs, &kids)
	for _, a := range attrs {
		b.WriteString(" " + a)
	}
	for _, k := range kids {
		b.WriteString("\n" + strings.Repeat("  ", depth+1))
		dumpValue(b, k, depth+1)
	}
	b.WriteString(")")
}

// collect sorts a struct's meaningful fields into one-word attributes and
// child nodes. Embedded bases (StepBase, TestBase) are flattened.
func collect(e reflect.Value, attrs *[]string, kids *[]reflect.Value) {
	t := e.Type()
	for i := 0; i < t.NumField(); i++ {
		f, fv := t.Field(i), e.Field(i)
		if f.Anonymous {
			collect(fv, attrs, kids)
			continue
		}
		if f.Type == spanType || layoutFields[f.Name] || (t.Name() == "File" && f.Name == "Name") {
			continue
		}
		if fv.IsZero() {
			continue
		}
		if s, ok := atom(fv); ok {
			*attrs = append(*attrs, f.Name+"="+s)
			continue
		}
		if fv.Kind() == reflect.Slice {
			for j := 0; j < fv.Len(); j++ {
				if s, ok := atom(fv.Index(j)); ok {
					*attrs = append(*attrs, f.Name+"="+s)
					continue
				}
				if isLeafNode(fv.Index(j)) {
					*attrs = append(*attrs, f.Name+"="+leaf(fv.Index(j)))
					continue
				}
				*kids = append(*kids, fv.Index(j))
			}
			continue
		}
		if isLeafNode(fv) {
			*attrs = append(*attrs, f.Name+"="+leaf(fv))
			continue
		}
		*kids = append(*kids, fv)
	}
}

// atom prints plain values; ok is false for nodes and slices.
func atom(v reflect.Value) (string, bool) {
	if v.Type() == durationType {
		return time.Duration(v.Int()).String(), true
	}
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), true
	case reflect.String:
		return strconv.Quote(v.String()), true
	}
	return "", false
}

// isLeafNode reports whether v is a node printed inline as one word.
func isLeafNode(v reflect.Value) bool {
	if v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	switch v.Interface().(type) {
	case *Ident, *String, *Duration, *Expr, *Path, *Clock, *Int, *Percent, *Number, *Word, *After, *At:
		return true
	}
	return false
}

// leaf prints a leaf node: names bare, strings quoted, expressions in
// backquotes, durations as written.
func leaf(v reflect.Value) string {
	if v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	switch n := v.Interface().(type) {
	case *Ident:
		return n.Name
	case *String:
		return strconv.Quote(n.Value)
	case *Duration:
		if n.Business > 0 {
			return fmt.Sprintf("%s(%d business days)", n.Raw, n.Business)
		}
		return fmt.Sprintf("%s(%s)", n.Raw, n.Value)
	case *Expr:
		return "`" + n.Text + "`"
	case *Path:
		return n.String()
	case *Clock:
		return n.Raw
	case *Int:
		return n.Raw
	case *Percent:
		return n.Raw
	case *Number:
		return n.Raw
	case *Word:
		return n.Name
	case *After:
		switch {
		case n.At == nil:
			return leaf(reflect.ValueOf(n.Delay))
		case n.Delay == nil:
			return "at@" + n.At.Raw
		}
		return leaf(reflect.ValueOf(n.Delay)) + "@" + n.At.Raw
	case *At:
		return leaf(reflect.ValueOf(n.Time))
	}
	return "?"
}
