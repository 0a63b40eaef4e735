package version

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFromBuildInfo(t *testing.T) {
	base := Info{Version: "(devel)", Commit: Unknown, GoVersion: "go0", Platform: "os/arch"}
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want Info
	}{
		{
			name: "nothing recorded",
			bi:   debug.BuildInfo{},
			want: base,
		},
		{
			name: "a checkout with changes",
			bi: debug.BuildInfo{
				GoVersion: "go1.26.0",
				Main:      debug.Module{Path: "github.com/journeylang/journey", Version: "(devel)"},
				Settings: []debug.BuildSetting{
					{Key: "vcs", Value: "git"},
					{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
					{Key: "vcs.time", Value: "2026-12-06T07:00:00Z"},
					{Key: "vcs.modified", Value: "true"},
				},
			},
			want: Info{Version: "(devel)", Commit: "0123456789abcdef0123456789abcdef01234567", Time: "2026-12-06T07:00:00Z", Modified: true, GoVersion: "go1.26.0", Platform: "os/arch"},
		},
		{
			name: "go install at a version",
			bi: debug.BuildInfo{
				GoVersion: "go1.26.1",
				Main:      debug.Module{Path: "github.com/journeylang/journey", Version: "v1.2.0"},
			},
			want: Info{Version: "v1.2.0", Commit: Unknown, GoVersion: "go1.26.1", Platform: "os/arch"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fromBuildInfo(&tt.bi, base)); diff != "" {
				t.Errorf("fromBuildInfo (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGet(t *testing.T) {
	got := Get()
	if got.GoVersion != runtime.Version() {
		t.Errorf("GoVersion = %q, want %q", got.GoVersion, runtime.Version())
	}
	if want := runtime.GOOS + "/" + runtime.GOARCH; got.Platform != want {
		t.Errorf("Platform = %q, want %q", got.Platform, want)
	}
	if got.Version == "" || got.Commit == "" {
		t.Errorf("Get() = %+v: empty version or commit", got)
	}
}

func TestLinkerVersionWins(t *testing.T) {
	old := version
	t.Cleanup(func() { version = old })
	version = "v9.9.9"
	if got := Get().Version; got != "v9.9.9" {
		t.Errorf("Version = %q, want the linker's v9.9.9", got)
	}
}

func TestString(t *testing.T) {
	i := Info{Version: "v1.2.0", Commit: "abc", Time: "2026-12-06T07:00:00Z", Modified: true, GoVersion: "go1.26.0", Platform: "linux/amd64"}
	want := "journey v1.2.0\ncommit  abc (modified) 2026-12-06T07:00:00Z\ngo      go1.26.0 linux/amd64\n"
	if got := i.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	if strings.Count(Get().String(), "\n") != 3 {
		t.Errorf("Get().String() is not three lines: %q", Get().String())
	}
}
