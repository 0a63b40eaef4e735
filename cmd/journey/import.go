package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/api"
	"github.com/journeylang/journey/runtime/store"
)

// importCmd is `journey import FILE --schema PATH [--db DSN]`.
type importCmd struct {
	DB     string   `placeholder:"DSN" help:"The store, as journey run made it: postgres://… for Postgres, else a SQLite file's path." default:"journey.db"`
	Schema string   `required:"" placeholder:"PATH" help:"Where the schema comes from: a workspace folder, or a bundle."`
	File   string   `arg:"" name:"file" help:"JSON lines: {\"contact\": ID, \"attributes\": {…}}, consent {\"contact\": ID, \"unsubscribed\": [\"email\"]} (or subscribed, bounced, complained), or an event {\"id\", \"contact\", \"name\", \"payload\", \"at\"}; - for standard input."`
	Dedupe duration `name:"dedupe-window" default:"30d" help:"Refuse events stamped (at) further back than this: the --dedupe-window of the journey run on this store, which keeps events' ids that long from their receipt to ignore repeats. s, m, h, d or w: 30d, 2w, 720h."`
}

// maxReasons is how many rejected lines the summary lists.
const maxReasons = 20

func (c *importCmd) run(e *env) {
	schema, ok := c.schema(e)
	if !ok {
		return
	}
	in := e.stdin
	if c.File != "-" {
		f, err := os.Open(c.File)
		if err != nil {
			e.reportPath(err)
			return
		}
		defer f.Close()
		in = f
	}
	ctx := context.Background()
	st, err := openExistingStore(ctx, c.DB)
	if err != nil {
		e.errorf("import: %v", err)
		return
	}
	defer st.Close()
	if rejected := importLines(ctx, e, st, schema, in, time.Duration(c.Dedupe)); rejected > 0 {
		e.fail(exitFindings)
	}
}

// importChunk is how many lines `journey import` stores at once, in one
// transaction (store.AddBatch).
const importChunk = 2000

// importLines loads JSON lines of contacts and events into a store,
// validated against the schema, and prints a summary: an event stamped
// further back than the dedupe window is rejected, as the API refuses it.
// It returns how many lines it rejected. The lines are read as a stream
// and stored in chunks of importChunk, each in one transaction, so memory
// stays flat whatever the file's size; a consent line is stored after the
// lines before it. With a nil store it only checks the lines, and prints
// the reasons of the lines it rejects, if any, to standard error.
func importLines(ctx context.Context, e *env, st store.Store, schema *compiler.Schema, in io.Reader, window time.Duration) int {
	var progress importProgress
	if st != nil {
		progress = newImportProgress(e.stderr, inputSize(in))
	}
	return importStream(ctx, e, st, schema, in, window, progress)
}

// importStream is importLines with its progress shown on progress (none
// if nil).
func importStream(ctx context.Context, e *env, st store.Store, schema *compiler.Schema, in io.Reader, window time.Duration, progress importProgress) int {
	im := &importer{ctx: ctx, st: st, progress: progress}
	check := st == nil
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		im.read += int64(len(sc.Bytes())) + 1
		if err := im.line(line, sc.Bytes(), schema, window); err != nil {
			e.errorf("import: %v", err)
			return im.rejected
		}
	}
	err := sc.Err()
	if err == nil {
		err = im.flush()
	}
	if im.progress != nil {
		im.progress.done(im.read, im.lines)
	}
	if err != nil {
		e.errorf("import: %v", err)
		return im.rejected
	}
	if check {
		printReasons(e.stderr, im.reasons, im.rejected)
		return im.rejected
	}
	fmt.Fprintf(e.stdout, "imported %d contacts and %d events (%d duplicate events ignored); rejected %d lines\n", im.contacts, im.events, im.duplicates, im.rejected)
	if im.consents > 0 {
		fmt.Fprintf(e.stdout, "changed the consent of %d contacts\n", im.consents)
	}
	printReasons(e.stdout, im.reasons, im.rejected)
	return im.rejected
}

// importer is the state of an import: the chunk of lines not yet stored,
// and the counts.
type importer struct {
	ctx      context.Context
	st       store.Store // nil: only check
	progress importProgress
	chunk    []store.BatchItem
	first    int   // the line of chunk[0]
	last     int   // the line of the chunk's last item
	read     int64 // bytes read
	lines    int   // lines read

	contacts, consents, events, duplicates, rejected int
	reasons                                          []string
}

// reject counts a rejected line, and keeps the first maxReasons reasons.
func (im *importer) reject(line int, why string) {
	im.rejected++
	if len(im.reasons) < maxReasons {
		im.reasons = append(im.reasons, fmt.Sprintf("line %d: %s", line, why))
	}
}

// line reads one line: a rejected line is counted, a good one is added
// to the chunk (a consent line is stored at once, after the chunk). The
// error is the store's.
func (im *importer) line(line int, raw []byte, schema *compiler.Schema, window time.Duration) error {
	im.lines = line
	text := bytes.TrimSpace(raw)
	if len(text) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		im.reject(line, "not a JSON object: "+err.Error())
		return nil
	}
	now := time.Now()
	var item store.BatchItem
	if changes, isConsent, why := consentLine(obj); isConsent {
		if why != "" || im.st == nil {
			if why != "" {
				im.reject(line, why)
			}
			return nil
		}
		if err := im.flush(); err != nil {
			return err
		}
		if err := importConsent(im.ctx, im.st, obj["contact"].(string), changes, now); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		im.consents++
		return nil
	} else if attrs, ok := obj["attributes"]; ok {
		id, _ := obj["contact"].(string)
		if id == "" {
			im.reject(line, "contact: a contact line needs its id")
			return nil
		}
		if err := api.ValidateContactID(id, "contact"); err != nil {
			im.reject(line, err.Error())
			return nil
		}
		values, errs := api.ValidateAttributes(schema, attrs, "attributes")
		if len(errs) > 0 {
			im.reject(line, errs[0].Error())
			return nil
		}
		item.Update = &store.PutContactParams{ID: id, Attrs: values, At: now}
	} else {
		p, errs := api.ValidateEvent(schema, obj, "", now, window)
		if len(errs) > 0 {
			im.reject(line, errs[0].Error())
			return nil
		}
		item.Event = p
	}
	if im.st == nil {
		return nil
	}
	if len(im.chunk) == 0 {
		im.first = line
	}
	im.chunk = append(im.chunk, item)
	im.last = line
	if len(im.chunk) >= importChunk {
		return im.flush()
	}
	return nil
}

// flush stores the chunk, in one transaction, and counts it.
func (im *importer) flush() error {
	if len(im.chunk) == 0 || im.st == nil {
		return nil
	}
	res, err := im.st.AddBatch(im.ctx, &store.AddBatchParams{Items: im.chunk})
	if err != nil {
		return fmt.Errorf("lines %d to %d (none of them stored; the lines before were): %w", im.first, im.last, err)
	}
	dups := res.Duplicates
	for i, it := range im.chunk {
		switch {
		case it.Update != nil:
			im.contacts++
		case len(dups) > 0 && dups[0] == i:
			dups = dups[1:]
			im.duplicates++
		default:
			im.events++
		}
	}
	clear(im.chunk)
	im.chunk = im.chunk[:0]
	if im.progress != nil {
		im.progress.update(im.read, im.lines)
	}
	return nil
}

// printReasons lists the reasons lines were rejected.
func printReasons(w io.Writer, reasons []string, rejected int) {
	for _, r := range reasons {
		fmt.Fprintln(w, "  "+r)
	}
	if rejected > len(reasons) {
		fmt.Fprintf(w, "  … and %d more\n", rejected-len(reasons))
	}
}

// schema reads the schema from a workspace or a bundle.
func (c *importCmd) schema(e *env) (*compiler.Schema, bool) {
	info, err := os.Stat(c.Schema)
	if err != nil {
		e.reportPath(err)
		return nil, false
	}
	if !info.IsDir() {
		b, ok := readBundle(e, "import", c.Schema, "")
		if !ok {
			return nil, false
		}
		return b.Program.Schema, true
	}
	prog, ok := compileWorkspace(e, "import", []string{c.Schema})
	if !ok {
		return nil, false
	}
	return prog.Schema, true
}

// consentStates are the keys of a consent line, each the consent state its
// channels take, in the order they are applied.
var consentStates = []string{runtime.ConsentSubscribed, runtime.ConsentUnsubscribed, runtime.ConsentBounced, runtime.ConsentComplained}

// consentLine reads a consent line: {"contact": ID, "unsubscribed":
// ["email"]}, with any of subscribed, unsubscribed, bounced and
// complained, each a list of channels, and nothing else. It reports whether the line is one (it has one of those
// keys), the changes by channel in order, and why it is rejected ("" when
// it is not).
func consentLine(obj map[string]any) ([]store.ConsentParams, bool, string) {
	isConsent := false
	for _, k := range consentStates {
		_, has := obj[k]
		isConsent = isConsent || has
	}
	if !isConsent {
		return nil, false, ""
	}
	id, _ := obj["contact"].(string)
	if id == "" {
		return nil, true, "contact: a consent line needs the contact's id"
	}
	if err := api.ValidateContactID(id, "contact"); err != nil {
		return nil, true, err.Error()
	}
	allowed := append([]string{"contact"}, consentStates...)
	for k := range obj {
		if !slices.Contains(allowed, k) {
			return nil, true, fmt.Sprintf("%s: unknown field %q in a consent line; it has contact and lists of channels under %s", k, k, strings.Join(consentStates, ", "))
		}
	}
	var out []store.ConsentParams
	seen := map[string]string{}
	for _, state := range consentStates {
		raw, has := obj[state]
		if !has {
			continue
		}
		list, ok := raw.([]any)
		if !ok || len(list) == 0 {
			return nil, true, fmt.Sprintf("%s: a list of channels (%s), not empty", state, strings.Join(runtime.Channels, ", "))
		}
		for i, v := range list {
			ch, _ := v.(string)
			if !slices.Contains(runtime.Channels, ch) {
				return nil, true, fmt.Sprintf("%s[%d]: not a channel; the channels are %s", state, i, strings.Join(runtime.Channels, ", "))
			}
			if prev, dup := seen[ch]; dup {
				return nil, true, fmt.Sprintf("%s[%d]: %s is %s already in this line", state, i, ch, prev)
			}
			seen[ch] = state
			out = append(out, store.ConsentParams{Contact: id, Channel: ch, State: state})
		}
	}
	return out, true, ""
}

// importConsent queues a contact's changes of consent, making the contact
// (with no attributes) if the store does not know it: an import's
// unsubscribes hold for contacts yet to come.
func importConsent(ctx context.Context, st store.Store, id string, changes []store.ConsentParams, now time.Time) error {
	if _, err := st.Contact(ctx, id); errors.Is(err, store.ErrNotFound) {
		if err := st.PutContact(ctx, &store.PutContactParams{ID: id, Attrs: map[string]any{}, At: now}); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	for i := range changes {
		changes[i].At = now
		if err := st.Consent(ctx, &changes[i]); err != nil {
			return err
		}
	}
	return nil
}
