//go:build unix

package runtime_test

import (
	"container/heap"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store/storetest"
)

// The wake-up benchmark: 100,000 contacts, none enrolled, and a journey
// whose entry depends on time; 1% of the contacts cross it during the
// next day, the others later (1 to 29 days on). One operation simulates
// that day on the engine alone, the way a worker would: each contact runs
// when its wake-up falls due, and gets its next one. It reports the runs
// in the day, the contacts enrolled, the most one of them enrolled after
// its entry turned true, and the CPU time of the day (user and system,
// the garbage collector's included: on a shared machine, ns/op, the
// elapsed time, is also the other processes'). docs/performance.md has the
// figures, with the command.

const (
	benchContacts = 100_000
	benchSchema   = "contact {\n  email: string\n  last_login: timestamp?\n}\n"
	benchJourney  = `journey winback

entry when days_since(last_login) >= 30

stage Dormant {
  send "nudge"
}
`
)

var benchTemplates = map[string][]byte{"nudge.md": []byte("subject: Nudge\n\nHello\n")}

// benchLastLogin places contact i: every hundredth crosses the entry
// during the day after t0, spread over it; the others 1 to 29 days later.
func benchLastLogin(i int) time.Time {
	if i%100 == 0 {
		return t0.Add(-30*24*time.Hour + time.Duration(i/100+1)*86*time.Second)
	}
	return t0.Add(-time.Duration(1+i%28)*24*time.Hour - time.Duration(i%1000)*86*time.Second)
}

// dueHeap orders contacts by wake-up, as a store's index does.
type dueHeap []*benchContact

type benchContact struct {
	i    int
	s    *runtime.ContactState
	wake time.Time
}

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].wake.Before(h[j].wake) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(*benchContact)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// benchDay sets up the contacts, each having run at t0, and returns
// their wake-ups.
func benchDay(e *runtime.Engine) *dueHeap {
	h := &dueHeap{}
	for i := range benchContacts {
		s := &runtime.ContactState{ID: fmt.Sprintf("c%06d", i), Attrs: map[string]any{
			"email": "a@example.com", "last_login": benchLastLogin(i).Format(time.RFC3339Nano),
		}}
		if out := e.Run(s, nil, t0); !out.Wake.IsZero() {
			*h = append(*h, &benchContact{i: i, s: s, wake: out.Wake})
		}
	}
	heap.Init(h)
	return h
}

func BenchmarkWakeDay(b *testing.B) {
	d := storetest.Deploy(b, map[string][]byte{"schema.journey": []byte(benchSchema), "j.journey": []byte(benchJourney)}, benchTemplates)
	e := &runtime.Engine{Deployment: d}
	end := t0.Add(24 * time.Hour)
	var runs, enrolled int
	var late time.Duration // the most a contact enrolled after its entry turned true
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		h := benchDay(e)
		b.StartTimer()
		runs, enrolled, late = 0, 0, 0
		from := cpuTime(b)
		for h.Len() > 0 && !(*h)[0].wake.After(end) {
			c := heap.Pop(h).(*benchContact)
			out := e.Run(c.s, nil, c.wake)
			runs++
			for _, r := range out.Records {
				if r.Kind == runtime.RecEnrolled {
					enrolled++
					late = max(late, r.At.Sub(benchLastLogin(c.i).Add(30*24*time.Hour)))
				}
			}
			if !out.Wake.IsZero() {
				c.wake = out.Wake
				heap.Push(h, c)
			}
		}
		cpu += cpuTime(b) - from
	}
	if enrolled != benchContacts/100 {
		b.Fatalf("%d contacts enrolled in the day, want %d", enrolled, benchContacts/100)
	}
	b.ReportMetric(float64(runs), "runs/day")
	b.ReportMetric(float64(enrolled), "enrolled/day")
	b.ReportMetric(late.Seconds(), "s-late-max")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/day")
}

// cpuTime is the CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWakeRun is the CPU of one run of a contact the entry does not
// yet hold for: evaluating it, and working out the next wake-up.
func BenchmarkWakeRun(b *testing.B) {
	d := storetest.Deploy(b, map[string][]byte{"schema.journey": []byte(benchSchema), "j.journey": []byte(benchJourney)}, benchTemplates)
	e := &runtime.Engine{Deployment: d}
	s := &runtime.ContactState{ID: "c000001", Attrs: map[string]any{"email": "a@example.com", "last_login": benchLastLogin(1).Format(time.RFC3339Nano)}}
	for b.Loop() {
		if out := e.Run(s, nil, t0); out.Wake.IsZero() {
			b.Fatal("no wake-up")
		}
	}
}
