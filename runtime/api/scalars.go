package api

// Reading the scalars of a request exactly: an int from any JSON
// spelling of a whole number, an RFC 3339 time, a duration as Go or
// Journey writes one.

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The problems parseInt reports.
const (
	notWhole   = "not a whole number, and an int must be one"
	outOfRange = "out of the range of an int (-9223372036854775808 to 9223372036854775807)"
)

// parseInt reads a JSON number as an int exactly: 42, -7, 1e3 and 2.0 are
// whole numbers; 1.5 and 1e-3 are not. It never rounds through a float.
func parseInt(s string) (int64, string) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, ""
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil {
			// An exponent too large for an int: a huge number, or a tiny one.
			if strings.HasPrefix(s[i+1:], "-") {
				e = math.MinInt32
			} else {
				e = math.MaxInt32
			}
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	point := len(intPart) // the decimal point falls after this many digits
	trimmed := strings.TrimLeft(digits, "0")
	if trimmed == "" {
		return 0, ""
	}
	point -= len(digits) - len(trimmed)
	trimmed = strings.TrimRight(trimmed, "0")
	if exp > 100 {
		return 0, outOfRange
	}
	if exp < -100 {
		return 0, notWhole
	}
	point += exp
	if point < len(trimmed) {
		return 0, notWhole
	}
	if point > 19 {
		return 0, outOfRange
	}
	text := trimmed + strings.Repeat("0", point-len(trimmed))
	if neg {
		text = "-" + text
	}
	i, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, outOfRange
	}
	return i, ""
}

// parseTime reads an RFC 3339 timestamp, with or without fractional
// seconds.
func parseTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}

// ParseDuration reads a duration as Go writes one ("90s", "1h30m",
// "1.5h", "250ms") or as Journey does ("3d", "2w", "1d12h"), with an
// optional sign: as the API takes a duration value, and as `journey`
// takes a duration flag.
func ParseDuration(s string) (time.Duration, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" {
		return 0, false
	}
	if s == "0" {
		return 0, true
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && (s[i] == '.' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		j := i
		for j < len(s) && !(s[j] == '.' || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		num, unit := s[:i], s[i:j]
		s = s[j:]
		if num == "" || unit == "" {
			return 0, false
		}
		var d time.Duration
		switch unit {
		case "d", "w":
			f, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return 0, false
			}
			day := 24 * time.Hour
			if unit == "w" {
				day *= 7
			}
			x := f * float64(day)
			if x >= math.MaxInt64 {
				return 0, false
			}
			d = time.Duration(x)
		default:
			var err error
			if d, err = time.ParseDuration(num + unit); err != nil {
				return 0, false
			}
		}
		if total > math.MaxInt64-d {
			return 0, false
		}
		total += d
	}
	if neg {
		total = -total
	}
	return total, true
}
