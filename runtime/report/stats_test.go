package report

import (
	"math"
	"testing"
)

// The intervals and p-values against figures computed by hand from the
// formulas (and checked against published tables).
func TestWilson(t *testing.T) {
	for _, tc := range []struct {
		k, n   int
		lo, hi float64
	}{
		{0, 0, 0, 0},
		{0, 4, 0, 0.4899},
		{1, 4, 0.0456, 0.6994},
		{5, 10, 0.2366, 0.7634},
		{50, 100, 0.4038, 0.5962},
		{10, 10, 0.7225, 1},
	} {
		lo, hi := Wilson(tc.k, tc.n)
		if math.Abs(lo-tc.lo) > 1e-4 || math.Abs(hi-tc.hi) > 1e-4 {
			t.Errorf("Wilson(%d, %d) = %.4f, %.4f, want %.4f, %.4f", tc.k, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestZTest(t *testing.T) {
	for _, tc := range []struct {
		k1, n1, k2, n2 int
		p              float64
	}{
		{30, 100, 20, 100, 0.1025},
		{0, 4, 1, 4, 0.2850},
		{0, 10, 0, 10, 1},
		{5, 0, 1, 4, 1},
		{120, 1000, 90, 1000, 0.0287},
	} {
		if p := ZTest(tc.k1, tc.n1, tc.k2, tc.n2); math.Abs(p-tc.p) > 1e-4 {
			t.Errorf("ZTest(%d/%d vs %d/%d) = %.4f, want %.4f", tc.k1, tc.n1, tc.k2, tc.n2, p, tc.p)
		}
	}
}

// A split is called only when both arms are large enough: d has fewer
// than MinArm contacts, e expects fewer than MinExpected conversions.
func TestCallable(t *testing.T) {
	c := &Counts{Arms: []ArmCount{
		{Journey: "j", Split: "S/split:a#1", Arm: "b", Contacts: 1000, Converted: 120},
		{Journey: "j", Split: "S/split:a#1", Arm: "control", Contacts: 1000, Converted: 90},
		{Journey: "j", Split: "S/split:a#1", Arm: "c", Contacts: 1000, Converted: 95},
		{Journey: "j", Split: "S/split:a#1", Arm: "d", Contacts: 29, Converted: 10},
		{Journey: "j", Split: "S/split:a#1", Arm: "e", Contacts: 40, Converted: 0},
	}}
	r := Build(c, Options{})
	sp := r.Journeys[0].Splits[0]
	if sp.Split != "a" || sp.Baseline != "control" {
		t.Fatalf("split %q baseline %q, want a and control", sp.Split, sp.Baseline)
	}
	want := map[string]string{"b": "significant", "c": "not significant", "control": "baseline", "d": "too small to call", "e": "too small to call"}
	for _, a := range sp.Arms {
		if a.Verdict != want[a.Arm] {
			t.Errorf("arm %s: %q, want %q", a.Arm, a.Verdict, want[a.Arm])
		}
	}
	if l := *sp.Arms[0].Lift; l != 0.333 {
		t.Errorf("lift of b = %v, want 0.333", l)
	}
}
