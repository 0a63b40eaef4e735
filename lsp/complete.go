package lsp

// Completion reads the text before the cursor, not the tree, so that it
// works on a line still being typed. completionContext names what may
// come next; each context is one case of complete (a new kind of name is
// one more context and one more case).

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/journeylang/journey/stdlib"
	"go.lsp.dev/protocol"
)

type completionContext int

const (
	ctxAny        completionContext = iota // the start of a clause or step, or a condition
	ctxEvent                               // after `on` or `wait for`: an event name
	ctxTemplate                            // after `send`: a template name
	ctxStage                               // after `goto`: a stage of the journey
	ctxTeam                                // after `notify` or `task … for`: a team
	ctxEventField                          // after `event.`: a field of the event in scope
	ctxField                               // after `a.b.`: a field of a nested object
)

var (
	reEvent     = regexp.MustCompile(`(?:\bon|\bwait\s+for)\s+(?:\w+\s*,\s*)*\w*$`)
	reTemplate  = regexp.MustCompile(`\bsend\s+(?:\w+\s+)?"?[\w-]*$`)
	reStage     = regexp.MustCompile(`\bgoto\s+\w*$`)
	reTeam      = regexp.MustCompile(`(?:\bnotify|\btask\s+"[^"]*"\s+for)\s+\w*$`)
	reEventDot  = regexp.MustCompile(`\bevent\.\w*$`)
	reFieldDot  = regexp.MustCompile(`\b([A-Za-z_][\w.]*)\.\w*$`)
	reJourney   = regexp.MustCompile(`(?m)^\s*journey\b`)
	reStageDecl = regexp.MustCompile(`(?m)^\s*stage\s+(\w+)`)
	reScope     = regexp.MustCompile(`(?m)^\s*(?:(?:after\s+\w+\s+)?(?:at\s+\d+:\d+\s+)?wait\s+for\s+(\w+(?:\s*,\s*\w+)*)|entry\s+on\s+(\w+(?:\s*,\s*\w+)*)|stage\s+\w+\s+on\s+(\w+(?:\s*,\s*\w+)*)|rule\s+\w+\s+on\s+(\w+(?:\s*,\s*\w+)*)|(stage|journey|rule)\b)`)
)

// keywords are the words that start a clause or a step.
var keywords = []string{
	"journey", "entry", "exit", "goal", "suppress", "window", "cap", "reenter", "stage",
	"send", "notify", "task", "set", "tag", "untag", "webhook", "goto", "next", "if", "else",
	"split", "wait", "for", "within", "timeout", "after", "at", "every", "when", "on", "rule", "holidays",
	"contact", "event", "use",
}

func (s *Server) completion(p protocol.CompletionParams) *protocol.CompletionList {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.document(p.TextDocument.URI)
	list := &protocol.CompletionList{Items: []protocol.CompletionItem{}}
	if d.src == nil {
		return list
	}
	off := offsetOf(d.src, p.Position)
	lineStart := strings.LastIndexByte(string(d.src[:off]), '\n') + 1
	line := string(d.src[lineStart:off])
	schema := d.sp.schema()
	add := func(label string, kind protocol.CompletionItemKind, detail string) {
		list.Items = append(list.Items, protocol.CompletionItem{Label: label, Kind: kind, Detail: detail})
	}
	switch ctx, word := contextOf(line); ctx {
	case ctxEvent:
		for _, name := range schema.EventNames() {
			add(name, protocol.CompletionItemKindEvent, eventText(schema.Events[name]))
		}
	case ctxTemplate:
		names := make([]string, 0, len(d.sp.ws.Templates))
		for name := range d.sp.ws.Templates {
			names = append(names, name)
		}
		sort.Strings(names)
		quoted := strings.Contains(line[strings.LastIndex(line, "send"):], `"`)
		for _, name := range names {
			item := protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindFile, Detail: "templates/" + d.sp.ws.Templates[name].File}
			if !quoted {
				item.InsertText = `"` + name + `"`
			}
			list.Items = append(list.Items, item)
		}
	case ctxStage:
		for _, name := range stageNames(d.src, off) {
			add(name, protocol.CompletionItemKindClass, "stage")
		}
	case ctxTeam:
		if d.sp.res != nil {
			for _, name := range d.sp.res.Teams() {
				add(name, protocol.CompletionItemKindValue, "team")
			}
		}
	case ctxEventField:
		if payload := schema.Payload(eventInScope(string(d.src[:off]))); payload != nil {
			for _, f := range payload.Fields {
				add(f.Name, protocol.CompletionItemKindField, typeText(f.Type))
			}
		}
	case ctxField:
		if f := schema.Path(splitDots(word)); f != nil && f.Type.Object != nil {
			for _, sub := range f.Type.Object.Fields {
				add(sub.Name, protocol.CompletionItemKindField, typeText(sub.Type))
			}
		}
	default:
		for _, f := range schema.Contact.Fields {
			add(f.Name, protocol.CompletionItemKindField, typeText(f.Type))
		}
		for _, fn := range stdlib.Functions {
			list.Items = append(list.Items, protocol.CompletionItem{
				Label: fn.Name, Kind: protocol.CompletionItemKindFunction, Detail: fn.Signature,
				Documentation: fn.Doc,
			})
		}
		add("event", protocol.CompletionItemKindVariable, "the event that triggered this evaluation")
		add("now", protocol.CompletionItemKindVariable, "timestamp")
		for _, k := range keywords {
			add(k, protocol.CompletionItemKindKeyword, "")
		}
	}
	return list
}

// contextOf says what may come at the end of line, the text of the
// cursor's line before it; for ctxField it returns the dotted path before
// the last dot.
func contextOf(line string) (completionContext, string) {
	switch {
	case reTemplate.MatchString(line):
		return ctxTemplate, ""
	case reStage.MatchString(line):
		return ctxStage, ""
	case reTeam.MatchString(line):
		return ctxTeam, ""
	case reEventDot.MatchString(line):
		return ctxEventField, ""
	case reEvent.MatchString(line):
		return ctxEvent, ""
	}
	if m := reFieldDot.FindStringSubmatch(line); m != nil {
		return ctxField, m[1]
	}
	return ctxAny, ""
}

// eventInScope returns the event that `event` means at the end of before,
// the text up to the cursor: the last `wait for E`, `entry on E`,
// `stage S on E` or `rule R on E` above it, unless a stage, a journey or
// a rule without an event comes after. Several events (`on a, b`) come
// back as the IR writes them, "a,b".
func eventInScope(before string) string {
	if name := filterEvent(before[strings.LastIndexByte(before, '\n')+1:]); name != "" {
		return name
	}
	ms := reScope.FindAllStringSubmatch(before, -1)
	if len(ms) == 0 {
		return ""
	}
	m := ms[len(ms)-1]
	for _, g := range m[1:5] {
		if g != "" {
			return strings.Join(strings.FieldsFunc(g, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }), ",")
		}
	}
	return ""
}

// reFilterCall is the start of a filtered count's condition:
// count("page_viewed", 7d, …
var reFilterCall = regexp.MustCompile(`\bcount\(\s*"(\w+)"\s*,[^,()]*(?:\([^()]*\)[^,()]*)?,`)

// filterEvent is the event counted when the end of line is inside the
// condition of a filtered count (count("page_viewed", 7d, event.|), where
// `event` is the event counted; "" elsewhere.
func filterEvent(line string) string {
	name := ""
	for _, m := range reFilterCall.FindAllStringSubmatchIndex(line, -1) {
		depth := 1
		for _, c := range line[m[1]:] {
			switch c {
			case '(':
				depth++
			case ')':
				depth--
			}
			if depth == 0 {
				break
			}
		}
		if depth > 0 {
			name = line[m[2]:m[3]]
		}
	}
	return name
}

// stageNames returns the stages of the journey around off, read from the
// text (from the last `journey` line before off to the next), so that a
// stage whose block does not parse yet is still offered.
func stageNames(src []byte, off int) []string {
	text := string(src)
	start := 0
	if locs := reJourney.FindAllStringIndex(text[:off], -1); len(locs) > 0 {
		start = locs[len(locs)-1][0]
	}
	end := len(text)
	if loc := reJourney.FindStringIndex(text[off:]); loc != nil {
		end = off + loc[0]
	}
	var out []string
	for _, m := range reStageDecl.FindAllStringSubmatch(text[start:end], -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}
