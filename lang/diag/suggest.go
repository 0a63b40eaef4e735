package diag

import "unicode/utf8"

// Suggest returns the candidate closest to name, for a "did you mean"
// suggestion after a misspelt name, or "" if none is close enough.
//
// Closeness is the optimal string alignment distance between the two, in
// characters: the number of insertions, deletions, substitutions and swaps
// of two neighbouring characters that turn one into the other, so "sned" is
// one edit from "send". A candidate is close enough when that distance is
// at most max(1, len(name)/3). Among equally close candidates the first in
// sorted order wins, so the answer does not depend on the order given.
// A candidate equal to name is never suggested.
func Suggest(name string, candidates []string) string {
	n := utf8.RuneCountInString(name)
	limit := max(1, n/3)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		// The distance is at least the difference in length: most
		// candidates are ruled out without being measured.
		if c == name || abs(utf8.RuneCountInString(c)-n) > min(bestDist, limit) {
			continue
		}
		if d := distance(name, c); d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// distance is the optimal string alignment distance between a and b, over
// runes: Levenshtein's edits plus the transposition of two adjacent runes,
// no substring being edited twice.
func distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	// Three rows of the (len(s)+1) × (len(t)+1) table: two back, one back,
	// and the one being filled.
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}
