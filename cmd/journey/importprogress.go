package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// importProgress shows how far an import has read: a bar on a terminal,
// else a plain line now and then.
type importProgress interface {
	update(read int64, lines int) // after each chunk stored
	done(read int64, lines int)   // at the end
}

// importEvery is how often the plain progress line is printed.
const importEvery = 5 * time.Second

// newImportProgress is a progress bar on w if w is a terminal, else plain
// lines every importEvery; size is the input's size in bytes, 0 when not
// known (standard input, a pipe).
func newImportProgress(w io.Writer, size int64) importProgress {
	if !isTerminal(w) {
		return &plainProgress{w: w, size: size, every: importEvery, start: time.Now(), last: time.Now()}
	}
	return &barProgress{w: w, bar: newImportBar(w, size)}
}

// newImportBar is the progress bar of an import of size bytes (a spinner
// when size is 0: not known).
func newImportBar(w io.Writer, size int64) *progressbar.ProgressBar {
	max := size
	if max <= 0 {
		max = -1
	}
	return progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("import"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
}

// barProgress is the bar on a terminal: bytes read of the file's size,
// the rate, the time spent and the time left.
type barProgress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func (p *barProgress) update(read int64, lines int) {
	p.bar.Describe(fmt.Sprintf("import: %s lines", humanize.Comma(int64(lines))))
	p.bar.Set64(read)
}

func (p *barProgress) done(read int64, lines int) {
	p.update(read, lines)
	p.bar.Finish()
	fmt.Fprintln(p.w) // the bar stays, on a line of its own
}

// plainProgress prints a line every so often, for a log: the lines and
// bytes read, of the size when known, the rate, and the time left.
type plainProgress struct {
	w           io.Writer
	size        int64
	every       time.Duration
	start, last time.Time
}

func (p *plainProgress) update(read int64, lines int) {
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	fmt.Fprintln(p.w, p.line(read, lines, now.Sub(p.start)))
}

func (p *plainProgress) done(int64, int) {}

// line is the text of a progress line after elapsed.
func (p *plainProgress) line(read int64, lines int, elapsed time.Duration) string {
	secs := max(elapsed.Seconds(), 1e-3)
	rate := float64(read) / secs
	s := fmt.Sprintf("import: %s lines, %s", humanize.Comma(int64(lines)), humanize.Bytes(uint64(read)))
	if p.size > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", humanize.Bytes(uint64(p.size)), read*100/p.size)
	}
	s += fmt.Sprintf(", %s/s, %s lines/s", humanize.Bytes(uint64(rate)), humanize.Comma(int64(float64(lines)/secs)))
	if p.size > read && rate > 0 {
		left := time.Duration(float64(p.size-read) / rate * float64(time.Second))
		s += fmt.Sprintf(", about %s left", left.Round(time.Second))
	}
	return s
}

// isTerminal reports whether w is a terminal, for the progress bar.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// inputSize is the size of an import's input when it is a regular file,
// else 0.
func inputSize(in io.Reader) int64 {
	f, ok := in.(*os.File)
	if !ok {
		return 0
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return 0
	}
	return info.Size()
}
