package compiler

import (
	"encoding/json"
	"fmt"
)

// DecodeJourney reads one journey's IR as a bundle holds it and the
// runtime records it (see runtime.JourneyVersion): an earlier version,
// for the runtime to drain or to compare with the version in force.
func DecodeJourney(data []byte) (*Journey, error) {
	var j Journey
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("journey IR: %w", err)
	}
	if j.Name == "" || j.Version == "" {
		return nil, fmt.Errorf("journey IR: no name or version")
	}
	j.index()
	return &j, nil
}
