package store_test

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/storetest"
)

var histT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// roundTrip fails the test unless the records packed and unpacked are
// the records, and returns the rows.
func roundTrip(t *testing.T, rs []runtime.Record) []store.HistoryRow {
	t.Helper()
	rows := store.PackHistory(rs)
	if diff := cmp.Diff(rs, store.UnpackHistory(rows), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Fatalf("unpacked (-records +unpacked):\n%s\nrows: %+v", diff, rows)
	}
	return rows
}

// enrolledAt is an enrollment's first two records, as the engine writes
// them.
func enrolledAt(at time.Time, entry int, stage string) []runtime.Record {
	return []runtime.Record{
		{At: at, Contact: "c1", Journey: "j", Entry: entry, Kind: runtime.RecEnrolled, Detail: strconv.Itoa(entry)},
		{At: at, Contact: "c1", Journey: "j", Entry: entry, Kind: runtime.RecStage, Detail: stage},
	}
}

// TestPackHistoryCases checks which records become one row: an
// enrollment's enrolled and stage records, with the next record when it
// is of the same enrollment and time and marks no stage or exit; and
// nothing the rows would not give back exactly.
func TestPackHistoryCases(t *testing.T) {
	sent := runtime.Record{At: histT0, Contact: "c1", Journey: "j", Entry: 1, Kind: runtime.RecSent, Step: "s1", Detail: "welcome"}
	with := func(rs []runtime.Record, change func(*runtime.Record)) []runtime.Record {
		rs = append([]runtime.Record(nil), rs...)
		change(&rs[len(rs)-1])
		return rs
	}
	exited := sent
	exited.Kind, exited.Step, exited.Detail = runtime.RecExited, "", "goal"
	for _, tc := range []struct {
		name    string
		records []runtime.Record
		rows    int
	}{
		{"enrolled, stage and sent", append(enrolledAt(histT0, 1, "Welcome"), sent), 1},
		{"enrolled and stage", enrolledAt(histT0, 1, "Welcome"), 1},
		{"two enrollments", append(enrolledAt(histT0, 1, "A"), enrolledAt(histT0, 2, "B")...), 2},
		{"then an exit", append(enrolledAt(histT0, 1, "A"), exited), 2},
		{"then a second stage", append(enrolledAt(histT0, 1, "A"), enrolledAt(histT0, 1, "B")[1]), 2},
		{"sent later", append(enrolledAt(histT0, 1, "A"), with([]runtime.Record{sent}, func(r *runtime.Record) { r.At = r.At.Add(time.Second) })...), 2},
		{"sent of another entry", append(enrolledAt(histT0, 1, "A"), with([]runtime.Record{sent}, func(r *runtime.Record) { r.Entry = 2 })...), 2},
		{"stage by a step", with(enrolledAt(histT0, 1, "A"), func(r *runtime.Record) { r.Step = "s0" }), 2},
		{"stage with no name", enrolledAt(histT0, 1, ""), 2},
		{"stage a nanosecond on", with(enrolledAt(histT0, 1, "A"), func(r *runtime.Record) { r.At = r.At.Add(1) }), 2},
		{"stage of another contact", with(enrolledAt(histT0, 1, "A"), func(r *runtime.Record) { r.Contact = "c2" }), 2},
		{"enrolled detail not the entry", func() []runtime.Record {
			rs := enrolledAt(histT0, 1, "A")
			rs[0].Detail = "one"
			return rs
		}(), 2},
		{"stage first", []runtime.Record{enrolledAt(histT0, 1, "A")[1], enrolledAt(histT0, 1, "A")[0]}, 2},
		{"none", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if rows := roundTrip(t, tc.records); len(rows) != tc.rows {
				t.Errorf("%d rows, want %d: %+v", len(rows), tc.rows, rows)
			}
		})
	}
}

// genRecords draws a run's records from few contacts, journeys, entries,
// kinds and times, so that packable sequences and near misses both come
// up often.
func genRecords(r *rand.Rand) []runtime.Record {
	kinds := []string{runtime.RecEnrolled, runtime.RecStage, runtime.RecSent, runtime.RecExited, runtime.RecArm, runtime.RecWaiting}
	var rs []runtime.Record
	for range r.IntN(12) {
		rec := runtime.Record{
			At:      histT0.Add(time.Duration(r.IntN(2)) * time.Second),
			Contact: "c" + strconv.Itoa(r.IntN(2)),
			Journey: "j" + strconv.Itoa(r.IntN(2)),
			Entry:   1 + r.IntN(2),
			Kind:    kinds[r.IntN(len(kinds))],
		}
		if r.IntN(3) == 0 {
			rec.Step = "s" + strconv.Itoa(r.IntN(2))
		}
		switch {
		case rec.Kind == runtime.RecEnrolled && r.IntN(4) > 0:
			rec.Detail = strconv.Itoa(rec.Entry)
		case r.IntN(4) > 0:
			rec.Detail = "d" + strconv.Itoa(r.IntN(2))
		}
		if r.IntN(2) == 0 {
			// Half the time, the engine's start of an enrollment.
			rs = append(rs, enrolledAt(rec.At, rec.Entry, rec.Detail)...)
		}
		rs = append(rs, rec)
	}
	return rs
}

// TestPackHistoryProperty checks that unpacking gives back the records
// packed, for generated runs, and that packing saves rows.
func TestPackHistoryProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	records, rows := 0, 0
	for range 5000 {
		rs := genRecords(r)
		records += len(rs)
		rows += len(roundTrip(t, rs))
	}
	if rows >= records*9/10 {
		t.Errorf("%d records packed into %d rows: the generator rarely packs", records, rows)
	}
}

// FuzzPackHistory checks that unpacking gives back the records packed,
// for runs decoded from arbitrary bytes: each record from three bytes
// (kind and entry, contact and time, step and detail).
func FuzzPackHistory(f *testing.F) {
	f.Add([]byte{0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x02, 0x00, 0x01})
	f.Add([]byte{0x10, 0x10, 0x11, 0x11, 0x00, 0x21, 0x32, 0x02, 0x13})
	kinds := []string{runtime.RecEnrolled, runtime.RecStage, runtime.RecSent, runtime.RecExited, runtime.RecGoal, runtime.RecArm}
	f.Fuzz(func(t *testing.T, data []byte) {
		var rs []runtime.Record
		for i := 0; i+2 < len(data); i += 3 {
			a, b, c := data[i], data[i+1], data[i+2]
			entry := int(a>>4) % 3
			rec := runtime.Record{
				At:      histT0.Add(time.Duration(b>>4%2) * time.Millisecond),
				Contact: "c" + strconv.Itoa(int(b&1)),
				Journey: "j",
				Entry:   entry,
				Kind:    kinds[int(a&0x0f)%len(kinds)],
				Step:    []string{"", "s"}[c&1],
				Detail:  []string{strconv.Itoa(entry), "", "Welcome", "1"}[c>>1%4],
			}
			rs = append(rs, rec)
		}
		roundTrip(t, rs)
	})
}

// TestPackHistoryEngine checks the engine's records of a contact that
// signs up, enters a stage and is sent an email at once: the three are
// one row, which gives them back; the send an hour on is a row of its own.
func TestPackHistoryEngine(t *testing.T) {
	d := storetest.Deploy(t, map[string][]byte{
		"welcome.journey": []byte("journey welcome\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n  after 1h send \"tips\"\n}\n"),
		"schema.journey":  []byte("contact {\n  email: string?\n}\n\nevent signed_up\n"),
	}, map[string][]byte{"welcome.md": []byte("subject: Welcome\n"), "tips.md": []byte("subject: Tips\n")})
	e := &runtime.Engine{Deployment: d}
	s := &runtime.ContactState{ID: "c1", Attrs: map[string]any{"email": "c1@example.com"}}
	in := []runtime.Input{{Seq: 1, Kind: runtime.InputEvent, ID: "e1", Name: "signed_up", At: histT0}}
	first := e.Run(s, in, histT0).Records
	kinds := func(rs []runtime.Record) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Kind)
		}
		return out
	}
	if diff := cmp.Diff([]string{runtime.RecEnrolled, runtime.RecStage, runtime.RecSent}, kinds(first)); diff != "" {
		t.Fatalf("the first run's records (-want +got):\n%s", diff)
	}
	if rows := roundTrip(t, first); len(rows) != 1 || rows[0].FirstStage != "Welcome" {
		t.Errorf("the first run's rows: %+v, want one, of the stage Welcome", rows)
	}
	later := e.Run(s, nil, histT0.Add(time.Hour)).Records
	if rows := roundTrip(t, later); len(rows) != len(later) || len(rows) == 0 {
		t.Errorf("the run an hour on: %d records in %d rows, want one each", len(later), len(rows))
	}
}
