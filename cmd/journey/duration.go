package main

import (
	"fmt"
	"time"

	"github.com/journeylang/journey/runtime/api"
)

// duration is a flag's duration, written as Go writes one (720h, 90m) or
// as Journey does (30d, 2w, 1d12h); it must be positive.
type duration time.Duration

// UnmarshalText reads the flag's value (kong calls it).
func (d *duration) UnmarshalText(b []byte) error {
	v, ok := api.ParseDuration(string(b))
	if !ok || v <= 0 {
		return fmt.Errorf("%q is not a positive duration such as 30d, 2w or 720h", b)
	}
	*d = duration(v)
	return nil
}
