package stdlib_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/lang/ast"
	"github.com/journeylang/journey/lang/format"
	"github.com/journeylang/journey/lang/parser"
	"github.com/journeylang/journey/stdlib"
)

// parseCRM parses the embedded schema and fails the test on any
// diagnostic.
func parseCRM(t *testing.T) *ast.File {
	t.Helper()
	f, diags := parser.ParseFile(stdlib.CRMFile, stdlib.CRM())
	for _, d := range diags {
		t.Errorf("%s: %s", d.Code, d.Error())
	}
	if f == nil {
		t.Fatal("ParseFile returned no file")
	}
	return f
}

// TestCRMDeclaresOneContact checks the file holds exactly one contact
// declaration and nothing else: no events, no journeys.
func TestCRMDeclaresOneContact(t *testing.T) {
	f := parseCRM(t)
	if len(f.Decls) != 1 {
		t.Fatalf("crm.journey has %d declarations, want 1 contact declaration", len(f.Decls))
	}
	if _, ok := f.Decls[0].(*ast.ContactDecl); !ok {
		t.Fatalf("crm.journey declares %T, want *ast.ContactDecl", f.Decls[0])
	}
}

// TestCRMFields compares every field of the schema, nested ones by their
// dotted path, with its type. The standard schema is part of the language's
// surface: a field changed here changes what every workspace may write, so
// this table changes only with intent.
func TestCRMFields(t *testing.T) {
	want := map[string]string{
		"email":            "string",
		"first_name":       "string?",
		"last_name":        "string?",
		"phone":            "string?",
		"lifecycle":        "enum(subscriber, lead, mql, sql, opportunity, customer, evangelist)",
		"score":            "int",
		"source":           "string",
		"owner":            "string?",
		"last_opened":      "timestamp?",
		"last_clicked":     "timestamp?",
		"emails_opened":    "int",
		"last_login":       "timestamp?",
		"sessions_30d":     "int",
		"active_features":  "list<string>",
		"open_tickets":     "int",
		"nps":              "int?",
		"renewal_date":     "timestamp?",
		"plan":             "string",
		"timezone":         "string",
		"tags":             "list<string>",
		"company":          "{ name: string, size: int, industry: string, country: string }",
		"company.name":     "string",
		"company.size":     "int",
		"company.industry": "string",
		"company.country":  "string",
	}
	f := parseCRM(t)
	got := map[string]string{}
	for _, d := range f.Decls {
		if c, ok := d.(*ast.ContactDecl); ok {
			collect(got, "", c.Fields)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("crm.journey fields (-want +got):\n%s", diff)
	}
}

// TestCRMFieldsUnique checks no field is declared twice at one level.
func TestCRMFieldsUnique(t *testing.T) {
	f := parseCRM(t)
	var walk func(prefix string, fields []*ast.Field)
	walk = func(prefix string, fields []*ast.Field) {
		seen := map[string]bool{}
		for _, fd := range fields {
			if seen[fd.Name.Name] {
				t.Errorf("%s: field %s%s declared twice", fd.Pos.Start, prefix, fd.Name.Name)
			}
			seen[fd.Name.Name] = true
			if obj, ok := fd.Type.(*ast.ObjectType); ok {
				walk(prefix+fd.Name.Name+".", obj.Fields)
			}
		}
	}
	for _, d := range f.Decls {
		if c, ok := d.(*ast.ContactDecl); ok {
			walk("", c.Fields)
		}
	}
}

// TestCRMFormatted checks the file is in the formatter's canonical layout,
// as every file the project ships is.
func TestCRMFormatted(t *testing.T) {
	src := stdlib.CRM()
	out, diags := format.Source(stdlib.CRMFile, src)
	if len(diags) > 0 {
		t.Fatalf("format: %v", diags)
	}
	if !bytes.Equal(out, src) {
		t.Errorf("crm.journey is not formatted; run `journey fmt -w stdlib`")
	}
}

// TestCRMCopies checks CRM returns a copy callers may change.
func TestCRMCopies(t *testing.T) {
	a := stdlib.CRM()
	a[0] = 'X'
	if b := stdlib.CRM(); b[0] == 'X' {
		t.Error("CRM returned the embedded bytes, not a copy")
	}
}

// collect records each field's type under its dotted path, descending into
// nested objects.
func collect(out map[string]string, prefix string, fields []*ast.Field) {
	for _, f := range fields {
		path := prefix + f.Name.Name
		out[path] = typeString(f.Type)
		if obj, ok := f.Type.(*ast.ObjectType); ok {
			collect(out, path+".", obj.Fields)
		}
	}
}

// typeString writes a type in the syntax of the language, on one line.
func typeString(t ast.Type) string {
	switch t := t.(type) {
	case *ast.NamedType:
		return t.Name.Name
	case *ast.OptionalType:
		return typeString(t.Elem) + "?"
	case *ast.ListType:
		return "list<" + typeString(t.Elem) + ">"
	case *ast.MapType:
		return "map<" + typeString(t.Key) + ", " + typeString(t.Elem) + ">"
	case *ast.EnumType:
		var vals []string
		for _, v := range t.Values {
			vals = append(vals, v.Name)
		}
		return "enum(" + strings.Join(vals, ", ") + ")"
	case *ast.ObjectType:
		var fields []string
		for _, f := range t.Fields {
			fields = append(fields, f.Name.Name+": "+typeString(f.Type))
		}
		return "{ " + strings.Join(fields, ", ") + " }"
	}
	return fmt.Sprintf("%T", t)
}
