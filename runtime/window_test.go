package runtime

import (
	"strconv"
	"testing"
	"time"

	"github.com/journeylang/journey/compiler"
)

func TestWindows(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	weekdays := []bool{true, true, true, true, true, false, false}
	office := &compiler.Window{From: 9 * 60, To: 18 * 60, Days: weekdays}
	night := &compiler.Window{From: 22 * 60, To: 6 * 60, Days: []bool{false, false, false, false, true, false, false}} // Fri 22:00 to Sat 06:00
	early := &compiler.Window{From: 2*60 + 30, To: 4 * 60}                                                             // 02:30-04:00, every day
	tests := []struct {
		name string
		w    *compiler.Window
		at   string
		loc  *time.Location
		open bool
		next string
	}{
		{"office, Monday noon", office, "2026-03-02T12:00:00-05:00", ny, true, "2026-03-02T12:00:00-05:00"},
		{"office, Monday evening", office, "2026-03-02T19:00:00-05:00", ny, false, "2026-03-03T09:00:00-05:00"},
		{"office, Friday evening to Monday", office, "2026-03-06T18:00:00-05:00", ny, false, "2026-03-09T09:00:00-04:00"}, // after the DST change
		{"office, Saturday", office, "2026-03-07T10:00:00-05:00", ny, false, "2026-03-09T09:00:00-04:00"},
		{"office, Berlin before DST", office, "2026-03-27T20:00:00+01:00", berlin, false, "2026-03-30T09:00:00+02:00"},
		{"night, Friday 23:00", night, "2026-03-06T23:00:00-05:00", ny, true, "2026-03-06T23:00:00-05:00"},
		{"night, Saturday 05:00 belongs to Friday", night, "2026-03-07T05:00:00-05:00", ny, true, "2026-03-07T05:00:00-05:00"},
		{"night, Saturday 07:00", night, "2026-03-07T07:00:00-05:00", ny, false, "2026-03-13T22:00:00-04:00"},
		{"night, Thursday 23:00", night, "2026-03-05T23:00:00-05:00", ny, false, "2026-03-06T22:00:00-05:00"},
		// 02:30 does not exist in New York on 2026-03-08: the opening is the
		// first instant after the skipped hour.
		{"the skipped hour", early, "2026-03-08T01:00:00-05:00", ny, false, "2026-03-08T03:00:00-04:00"},
		{"Berlin's skipped hour", early, "2026-03-29T01:00:00+01:00", berlin, false, "2026-03-29T03:00:00+02:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := windowOpen(tt.w, at, tt.loc); got != tt.open {
				t.Errorf("open = %v, want %v", got, tt.open)
			}
			want, _ := time.Parse(time.RFC3339, tt.next)
			if got := nextOpening(tt.w, at, tt.loc); !got.Equal(want) {
				t.Errorf("next opening = %s, want %s", got.In(tt.loc).Format(time.RFC3339), tt.next)
			}
		})
	}
}

// TestSplitStable assigns many contacts twice: each lands in the same arm
// both times, and the arms fill close to their weights.
func TestSplitStable(t *testing.T) {
	st := &compiler.Step{ID: "S/split:ab#1", Target: "ab", Kind: compiler.StepSplit, Arms: []*compiler.Arm{
		{Name: "a", Weight: 20}, {Name: "b", Weight: 30}, {Name: "c", Weight: 50},
	}}
	counts := map[string]int{}
	const n = 20000
	for i := range n {
		id := "contact-" + strconv.Itoa(i)
		first := pickArm(id, "j", st)
		if again := pickArm(id, "j", st); again != first {
			t.Fatalf("%s: arm %s, then %s", id, first.Name, again.Name)
		}
		counts[first.Name]++
	}
	for _, a := range st.Arms {
		share := 100 * float64(counts[a.Name]) / n
		if share < a.Weight-2 || share > a.Weight+2 {
			t.Errorf("arm %s: %.1f%% of contacts, weight %v%%", a.Name, share, a.Weight)
		}
	}
}
