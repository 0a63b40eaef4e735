package compiler

import (
	"fmt"
	"strconv"
	"time"
)

// String writes d as Journey does: 1d12h, 30m, 0s.
func (d Duration) String() string {
	if d == 0 {
		return "0s"
	}
	s := ""
	rest := time.Duration(d)
	if rest < 0 {
		s, rest = "-", -rest
	}
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := rest / u.unit; n > 0 {
			s += strconv.FormatInt(int64(n), 10) + u.name
			rest -= n * u.unit
		}
	}
	if rest > 0 {
		s += rest.String()
	}
	return s
}

// MarshalText writes the duration as String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads what MarshalText writes.
func (d *Duration) UnmarshalText(b []byte) error {
	var total time.Duration
	units := map[byte]time.Duration{'d': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second}
	s := string(b)
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	for len(s) > 0 {
		i := 0
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == 0 || i == len(s) || units[s[i]] == 0 {
			return fmt.Errorf("invalid duration %q", b)
		}
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return fmt.Errorf("invalid duration %q", b)
		}
		total += time.Duration(n) * units[s[i]]
		s = s[i+1:]
	}
	if neg {
		total = -total
	}
	*d = Duration(total)
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
