package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
	"github.com/journeylang/journey/runtime/store"
	"github.com/journeylang/journey/runtime/store/sqlite"
)

// TestMain lets the test binary run as the journey command inside the
// scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"journey": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the command-line scripts in testdata/script. Each is a
// txtar archive: commands to run, then the files they work on. Set
// UPDATE_SCRIPTS=1 to rewrite the expected files that cmp compares with.
//
// Besides the standard commands, scripts have
//
//	exits CODE COMMAND [ARG…]
//
// which runs a program like exec and fails unless it exits with CODE, so
// that a script tells findings (1) from usage and I/O errors (2), and
//
//	genkey PRIVATE PUBLIC
//
// which writes a new ed25519 key pair as PEM files, as openssl would, and
//
//	newstore PATH [BUNDLE]
//
// which makes an empty SQLite store, as journey run does on a fresh
// machine, and deploys BUNDLE in it when given, recording its journeys'
// versions, as journey run does before it runs.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exits": exits, "genkey": genkey, "newstore": newstore},
	})
}

// exits is the script command `exits CODE COMMAND [ARG…]`.
func exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE COMMAND [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("exits: %v", err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// newstore is the script command `newstore PATH [BUNDLE]`.
func newstore(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: newstore PATH [BUNDLE]")
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, ts.MkAbs(args[0]))
	ts.Check(err)
	if len(args) == 2 {
		b, err := os.ReadFile(ts.MkAbs(args[1]))
		ts.Check(err)
		_, _, err = s.Deploy(ctx, &store.DeployParams{Bundle: b, By: "newstore", At: time.Now()})
		ts.Check(err)
		d, err := runtime.Load(b, compiler.ReadOptions{})
		ts.Check(err)
		vs, err := runtime.DeployedVersions(d)
		ts.Check(err)
		_, err = s.SaveVersions(ctx, &store.SaveVersionsParams{Versions: vs, Now: time.Now()})
		ts.Check(err)
	}
	ts.Check(s.Close())
}

// genkey is the script command `genkey PRIVATE PUBLIC`.
func genkey(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: genkey PRIVATE PUBLIC")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	ts.Check(err)
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	der, err = x509.MarshalPKIXPublicKey(pub)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644))
}
