// Command genworkspace writes the generated workspace of lang/synth to a
// folder, with the templates its journeys send, so that it checks and
// compiles clean: the input of the figures of `journey check` and
// `journey compile` in docs/performance.md.
//
//	go run ./scripts/genworkspace DIR [JOURNEYS]
//
// JOURNEYS defaults to 260, a little over 1 MB of source.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/journeylang/journey/lang/synth"
)

// sends finds the templates a journey sends: email, or sms after "send sms".
var sends = regexp.MustCompile(`send (sms )?"([^"]+)"`)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: genworkspace DIR [JOURNEYS]")
		os.Exit(2)
	}
	dir, n := os.Args[1], 260
	if len(os.Args) == 3 {
		v, err := strconv.Atoi(os.Args[2])
		if err != nil || v < 1 {
			fmt.Fprintf(os.Stderr, "genworkspace: %q is not a number of journeys\n", os.Args[2])
			os.Exit(2)
		}
		n = v
	}
	if err := write(dir, n); err != nil {
		fmt.Fprintln(os.Stderr, "genworkspace:", err)
		os.Exit(1)
	}
}

// write writes the workspace of n journeys and its templates under dir.
func write(dir string, n int) error {
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		return err
	}
	size := 0
	for _, f := range synth.Workspace(n) {
		size += len(f.Src)
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Src, 0o644); err != nil {
			return err
		}
		for _, m := range sends.FindAllStringSubmatch(string(f.Src), -1) {
			text := "subject: " + m[2] + "\nHello {{.email}}.\n"
			if m[1] != "" {
				text = "Hello {{.email}}.\n"
			}
			if err := os.WriteFile(filepath.Join(dir, "templates", m[2]+".md"), []byte(text), 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Printf("%s: %d journeys, %d bytes of source\n", dir, n, size)
	return nil
}
