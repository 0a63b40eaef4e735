package report

import "math"

// The statistics of a split: each arm's conversion rate with a 95% Wilson
// score interval, and its lift over the baseline arm with the two-sided
// p-value of a pooled two-proportion z-test. Both read counts only.

// z95 is the standard normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// Wilson is the 95% Wilson score interval of k successes in n trials; 0, 0
// for n = 0.
func Wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 0
	}
	p, nf := float64(k)/float64(n), float64(n)
	z2 := z95 * z95
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z95 * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / (1 + z2/nf)
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

// ZTest is the two-sided p-value of a pooled two-proportion z-test of k1
// in n1 against k2 in n2: 1 when the pooled rate is 0 or 1 (the arms
// cannot differ).
func ZTest(k1, n1, k2, n2 int) float64 {
	if n1 == 0 || n2 == 0 {
		return 1
	}
	p1, p2 := float64(k1)/float64(n1), float64(k2)/float64(n2)
	pool := float64(k1+k2) / float64(n1+n2)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 1
	}
	z := (p1 - p2) / se
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// MinArm is the fewest contacts an arm, and its baseline, need for the
// comparison to be called; MinExpected the fewest conversions and
// non-conversions each is expected to have under the pooled rate (the
// usual condition for the normal approximation of the z-test).
const (
	MinArm      = 30
	MinExpected = 5
)

// callable reports whether an arm of n1 with k1 conversions can be
// compared with a baseline of n2 with k2.
func callable(k1, n1, k2, n2 int) bool {
	if n1 < MinArm || n2 < MinArm {
		return false
	}
	pool := float64(k1+k2) / float64(n1+n2)
	for _, n := range []int{n1, n2} {
		if pool*float64(n) < MinExpected || (1-pool)*float64(n) < MinExpected {
			return false
		}
	}
	return true
}

// round3 rounds to three decimals: rates, intervals and p-values are
// reported to a thousandth, and seconds to the millisecond.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
