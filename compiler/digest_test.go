package compiler

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"testing"

	"github.com/journeylang/journey/lang/synth"
)

// roundTripDigest is the form versions were first digested in, kept as the
// oracle for digestJSON: the journey encoded, decoded into plain maps, its
// "source" keys deleted, and encoded again.
func roundTripDigest(t *testing.T, j *Journey) []byte {
	t.Helper()
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var strip func(any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			delete(v, "source")
			for _, x := range v {
				strip(x)
			}
		case []any:
			for _, x := range v {
				strip(x)
			}
		}
	}
	strip(v)
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// synthWorkspace is the workspace scripts/genworkspace writes for n
// journeys: synth.Workspace(n), and a template for each send.
func synthWorkspace(n int) *Workspace { return NewWorkspace(synthSources(n)) }

// synthSources are synthWorkspace's sources and templates.
func synthSources(n int) (sources, templates map[string][]byte) {
	sends := regexp.MustCompile(`send (sms )?"([^"]+)"`)
	sources, templates = map[string][]byte{}, map[string][]byte{}
	for _, f := range synth.Workspace(n) {
		sources[f.Name] = f.Src
		for _, m := range sends.FindAllStringSubmatch(string(f.Src), -1) {
			text := "subject: " + m[2] + "\nHello {{.email}}.\n"
			if m[1] != "" {
				text = "Hello {{.email}}.\n"
			}
			templates[m[2]+".md"] = []byte(text)
		}
	}
	return sources, templates
}

// TestDigestCompiled compares the digested form with the round trip's on
// every journey of a generated workspace, which uses every kind of step.
func TestDigestCompiled(t *testing.T) {
	prog, diags := Compile(synthWorkspace(20))
	if diags.HasErrors() {
		t.Fatalf("the workspace has errors; the first: %v", diags[0])
	}
	for _, j := range prog.Journeys {
		clone := *j
		clone.Version = ""
		if got, want := digestJSON(nil, reflect.ValueOf(&clone)), roundTripDigest(t, &clone); !bytes.Equal(got, want) {
			t.Errorf("journey %s:\n got %s\nwant %s", j.Name, got, want)
		}
	}
}

// TestDigestEveryField fills every field of a journey, at every depth,
// with values that test the encoding (strings to escape, numbers past
// float64's integers, fractions), so that a field added to the IR that
// digestJSON would write otherwise than the round trip fails here.
func TestDigestEveryField(t *testing.T) {
	for _, seed := range []int{0, 1, 2, 3} {
		var j Journey
		fill(reflect.ValueOf(&j).Elem(), seed, 0)
		if got, want := digestJSON(nil, reflect.ValueOf(&j)), roundTripDigest(t, &j); !bytes.Equal(got, want) {
			t.Errorf("seed %d:\n got %s\nwant %s", seed, got, want)
		}
	}
	var empty Journey
	if got, want := digestJSON(nil, reflect.ValueOf(&empty)), roundTripDigest(t, &empty); !bytes.Equal(got, want) {
		t.Errorf("an empty journey:\n got %s\nwant %s", got, want)
	}
}

var fillStrings = []string{"plain", `quote " and \ back`, "<a&b>", "tab\tnew\nline\x01", "é \u2028 \xff", ""}
var fillNumbers = []int64{0, 7, -3, 1<<53 + 1, 1<<62 + 12345}
var fillFloats = []float64{0, 33.5, 1e-7, 2.5e21, 100}

// fill sets every exported field of v from seed; a nested value is left
// empty below depth 3.
func fill(v reflect.Value, seed, depth int) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), seed+i, depth)
			}
		}
	case reflect.Pointer:
		if depth < 3 {
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), seed, depth+1)
		}
	case reflect.Slice:
		if depth >= 3 || seed%4 == 3 {
			return // nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte{byte(seed), 0xff, 0})
			return
		}
		n := seed % 3
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			fill(v.Index(i), seed+i+1, depth+1)
		}
	case reflect.String:
		v.SetString(fillStrings[seed%len(fillStrings)])
	case reflect.Bool:
		v.SetBool(seed%2 == 1)
	case reflect.Int, reflect.Int64:
		v.SetInt(fillNumbers[seed%len(fillNumbers)])
	case reflect.Float64:
		v.SetFloat(fillFloats[seed%len(fillFloats)])
	default:
		panic("fill: no value for a " + v.Type().String())
	}
}
