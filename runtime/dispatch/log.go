package dispatch

import (
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/journeylang/journey/runtime"
)

// LogSink writes each action as a line of JSON: the action with its key,
// the attempt, and the time of the call. It is the default sink: with
// nothing configured, actions go to standard output.
type LogSink struct {
	mu sync.Mutex
	w  io.Writer
}

// NewLogSink returns a sink writing to w.
func NewLogSink(w io.Writer) *LogSink { return &LogSink{w: w} }

// logLine is a line of the log sink.
type logLine struct {
	At time.Time `json:"at"`
	runtime.Action
	Attempt int  `json:"attempt"`
	Unknown bool `json:"unknown,omitempty"` // an earlier call's outcome is unknown
}

// Deliver implements Sink. A line is written whole or not at all as far
// as this process goes; a failed write is retried.
func (s *LogSink) Deliver(_ context.Context, d *Delivery) error {
	b, err := json.Marshal(&logLine{At: d.At.UTC(), Action: d.Action, Attempt: d.Attempt, Unknown: d.Unknown})
	if err != nil {
		return Permanent(err)
	}
	b = append(b, '\n')
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.w.Write(b)
	return err
}
