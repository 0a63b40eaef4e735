package api

// Finding a key that appears twice in one object of a request body.
// encoding/json keeps the last value of a repeated key without a word, so
// {"score": 1, "score": 99} would store 99 while a reader of the body (or
// a proxy that checked it) saw 1. A body is read once more, as a stream
// of tokens, before it is validated: a repeated key at any depth is a 400
// that names it.

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// jsonFrame is an object or an array being read.
type jsonFrame struct {
	path  string          // the container's path in the body
	keys  map[string]bool // an object's keys so far; nil for an array
	key   string          // an object: the key of the value being read
	onKey bool            // an object: a key comes next (or the end)
	index int             // an array: the index of the element being read
}

// duplicateKey returns the path of the first key of body that repeats an
// earlier key of its object. body is JSON already decoded without error.
func duplicateKey(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // numbers are not converted, only skipped
	var stack []*jsonFrame
	// done moves the container on past a value just read.
	done := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.keys != nil {
			top.onKey = true
		} else {
			top.index++
		}
	}
	// here is the path of the value about to be read.
	here := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.keys != nil {
			return keyPath(top.path, top.key)
		}
		return top.path + "[" + strconv.Itoa(top.index) + "]"
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // the end (the body is known to be valid JSON)
		}
		if len(stack) > 0 {
			if top := stack[len(stack)-1]; top.keys != nil && top.onKey {
				if k, ok := tok.(string); ok {
					if top.keys[k] {
						return keyPath(top.path, k), true
					}
					top.keys[k], top.key, top.onKey = true, k, false
					continue
				}
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &jsonFrame{path: here(), keys: map[string]bool{}, onKey: true})
		case json.Delim('['):
			stack = append(stack, &jsonFrame{path: here()})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			done()
		default:
			done()
		}
	}
}

// keyPath is the path of an object's key: path.key, or path["key"] for a
// key that is not a name (as a map's keys are written).
func keyPath(path, key string) string {
	if isName(key) {
		return child(path, key)
	}
	return path + "[" + strconv.Quote(key) + "]"
}

// isName reports whether s is a name as the schema writes one: a letter
// or _, then letters, digits and _.
func isName(s string) bool {
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}
