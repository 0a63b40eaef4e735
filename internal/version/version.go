// Package version tells which build of Journey is running: its version,
// the commit it was built from, and the Go toolchain that built it. The
// journey command prints it (journey version, journey --version) and the
// runner exports it on /metrics as the journey_build_info gauge.
//
// The facts come from the build information the Go toolchain embeds in
// every binary (runtime/debug.ReadBuildInfo): the main module's version
// when built by `go install module@version`, and the settings vcs.revision,
// vcs.time and vcs.modified when built inside a git checkout. A release
// build may set the version with the linker instead:
//
//	go build -ldflags "-X github.com/journeylang/journey/internal/version.version=v1.2.0" ./cmd/journey
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// version, when set by the linker (-X), is the version reported; it wins
// over the module version in the build information.
var version string

// Unknown stands for a fact the build did not record, such as the commit
// of a binary built outside a git checkout (go test, go run of a file).
const Unknown = "unknown"

// Info is what a build records about itself.
type Info struct {
	Version   string `json:"version"`        // a module version such as v1.2.0, or "(devel)" for a build of a checkout
	Commit    string `json:"commit"`         // the full git revision, or Unknown
	Time      string `json:"time,omitempty"` // the commit's time, RFC 3339; "" when not recorded
	Modified  bool   `json:"modified"`       // the checkout had changes not committed
	GoVersion string `json:"go"`             // the toolchain, such as go1.26.0
	Platform  string `json:"platform"`       // GOOS/GOARCH
}

// Get returns the running binary's build information.
func Get() Info {
	info := Info{Version: "(devel)", Commit: Unknown, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info = fromBuildInfo(bi, info)
	}
	if version != "" {
		info.Version = version
	}
	return info
}

// fromBuildInfo fills info from bi, keeping info's value for each fact bi
// does not record.
func fromBuildInfo(bi *debug.BuildInfo, info Info) Info {
	if v := bi.Main.Version; v != "" {
		info.Version = v
	}
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// String returns the build's description, one fact a line:
//
//	journey v1.2.0
//	commit  0123456789abcdef… (2026-12-06T07:00:00Z)
//	go      go1.26.0 linux/amd64
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "journey %s\n", i.Version)
	commit := i.Commit
	if i.Modified {
		commit += " (modified)"
	}
	if i.Time != "" {
		commit += " " + i.Time
	}
	fmt.Fprintf(&b, "commit  %s\n", commit)
	fmt.Fprintf(&b, "go      %s %s\n", i.GoVersion, i.Platform)
	return b.String()
}
