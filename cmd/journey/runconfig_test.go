package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestRunRefusesBadConfig runs `journey run` with one mistake at a time in
// its flags or files, on SQLite and on Postgres. Each exits within 5 s with
// one line naming the file, the setting and the fault, and leaves the store
// as it was: no SQLite file, no table in the Postgres schema.
func TestRunRefusesBadConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir, ws, bin := runnerWorkspace(t,
		"contact {\n  email: string?\n}\n\nevent signed_up\n",
		"journey j\n\nentry on signed_up\n\nstage Welcome {\n  send \"welcome\"\n}\n")
	file := func(name, text string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	hook := "[sinks.hooks]\ntype = \"webhook\"\nurl = \"https://bob:s3cret@hooks.example.com/j\"\n"
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	bundle := filepath.Join(dir, "j.bundle")
	if code := run([]string{"compile", ws, "-o", bundle}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
		t.Fatalf("compile: exit %d", code)
	}

	cases := []struct {
		name string
		args []string // after run; --db is added unless given
		env  []string
		code int
		line string // a regular expression the one line of stderr matches
	}{
		{"secret not base64", []string{ws, "--sinks", file("secret.toml", hook+"secret = \"whsec_not base64!\"\n")}, nil, 2,
			`^journey: run: .*secret\.toml: sinks\.hooks\.secret: not base64 \(after an optional whsec_\): illegal base64 data at input byte 3$`},
		{"secret_env unset", []string{ws, "--sinks", file("env.toml", hook+"secret_env = \"JOURNEY_TEST_UNSET_SECRET\"\n")}, nil, 2,
			`^journey: run: .*env\.toml: sinks\.hooks\.secret_env: \$JOURNEY_TEST_UNSET_SECRET is not set, or empty$`},
		{"secret_env not base64", []string{ws, "--sinks", file("env2.toml", hook+"secret_env = \"JOURNEY_TEST_SECRET\"\n")}, []string{"JOURNEY_TEST_SECRET=whsec_???"}, 2,
			`^journey: run: .*env2\.toml: sinks\.hooks\.secret_env: \$JOURNEY_TEST_SECRET: not base64`},
		{"password_env unset", []string{ws, "--sinks", file("smtp.toml", "[sinks.mail]\ntype = \"smtp\"\nhost = \"smtp.example.com\"\nfrom = \"a@example.com\"\nusername = \"j\"\npassword_env = \"JOURNEY_TEST_UNSET_PASSWORD\"\n")}, nil, 2,
			`^journey: run: .*smtp\.toml: sinks\.mail\.password_env: \$JOURNEY_TEST_UNSET_PASSWORD is not set, or empty$`},
		{"webhook URL", []string{ws, "--sinks", file("url.toml", "[sinks.hooks]\ntype = \"webhook\"\nurl = \"https://bob:s3cret@hooks.example.com:port/j\"\n")}, nil, 2,
			`^journey: run: .*url\.toml: sinks\.hooks\.url: https://xxxxx@hooks\.example\.com:port/j: not a URL$`},
		{"unknown setting", []string{ws, "--sinks", file("typo.toml", hook+"secrit = \"x\"\n")}, nil, 2,
			`^journey: run: .*typo\.toml: unknown setting sinks\.hooks\.secrit$`},
		{"log path", []string{ws, "--sinks", file("log.toml", "[sinks.log]\ntype = \"log\"\npath = \"/nonexistent/actions.log\"\n")}, nil, 2,
			`^journey: run: .*log\.toml: sinks\.log\.path: open /nonexistent/actions\.log: no such file or directory$`},
		{"sinks file missing", []string{ws, "--sinks", filepath.Join(dir, "nosuch.toml")}, nil, 2,
			`^journey: run: .*nosuch\.toml: no such file or directory$`},
		{"unsubscribe secret short", []string{ws, "--unsubscribe-secret-env", "JOURNEY_TEST_UNSUB"}, []string{"JOURNEY_TEST_UNSUB=s3cret"}, 2,
			`^journey: run: --unsubscribe-secret-env: \$JOURNEY_TEST_UNSUB must hold a secret of at least 16 bytes; it holds 6$`},
		{"public URL without a secret", []string{ws, "--public-url", "https://journeys.example.com"}, nil, 2,
			`^journey: run: --public-url needs --unsubscribe-secret-env: the links it makes are signed$`},
		{"public URL not a URL", []string{ws, "--public-url", "journeys.example.com", "--unsubscribe-secret-env", "JOURNEY_TEST_UNSUB"}, []string{"JOURNEY_TEST_UNSUB=0123456789abcdef0123"}, 2,
			`^journey: run: --public-url "journeys\.example\.com": want an http or https URL with a host, and no query, fragment or user$`},
		{"batch of none", []string{ws, "--batch", "0"}, nil, 2,
			`^journey: run: --batch 0: want 1 to 10000 contacts$`},
		{"batch too large", []string{ws, "--batch", "20000"}, nil, 2,
			`^journey: run: --batch 20000: want 1 to 10000 contacts$`},
		{"listen address", []string{ws, "--listen", "badaddr"}, nil, 2,
			`^journey: run: --listen badaddr: missing port in address$`},
		{"listen address in use", []string{ws, "--listen", busy.Addr().String()}, nil, 2,
			`^journey: run: --listen 127\.0\.0\.1:\d+: bind: address already in use$`},
		{"verify key missing", []string{ws, "--verify", filepath.Join(dir, "nosuch.pem")}, nil, 2,
			`^journey: run: --verify: .*nosuch\.pem: no such file or directory$`},
		{"verify key not a key", []string{"--bundle", bundle, "--verify", file("notakey.pem", "not a key\n")}, nil, 2,
			`^journey: run: --verify: .*notakey\.pem: no PEM "PUBLIC KEY" block$`},
		{"seed line", []string{ws, "--seed", file("seed.jsonl", "{\"contact\": \"ada\", \"attributes\": {\"email\": 3}}\n")}, nil, 1,
			`^journey: run: --seed .*seed\.jsonl: 1 lines rejected; nothing imported$`},
		{"key=value DSN", []string{ws, "--db", "host=127.0.0.1 user=postgres password=s3cret"}, nil, 2,
			`^journey: run: --db "host=127\.0\.0\.1 user=postgres password=xxxxx": a key=value connection string is not read; write Postgres as a URL`},
		{"Postgres URL", []string{ws, "--db", "postgres://postgres:s3cret@127.0.0.1:notaport/postgres"}, nil, 2,
			`^journey: run: postgres store: parse "postgres://xxxxx@127\.0\.0\.1:notaport/postgres": invalid port ":notaport" after host$`},
		{"Postgres unreachable", []string{ws, "--db", "postgres://postgres:s3cret@127.0.0.1:1/postgres?sslmode=disable"}, nil, 2,
			`^journey: run: postgres store: connecting: dial tcp 127\.0\.0\.1:1: connect: connection refused$`},
	}
	pgChecked := false
	for _, store := range []string{"sqlite", "postgres"} {
		for _, tc := range cases {
			givesDB := strings.Contains(strings.Join(tc.args, " "), "--db")
			if givesDB && store == "postgres" {
				continue // once is enough
			}
			t.Run(store+"/"+tc.name, func(t *testing.T) {
				args := append([]string{"run"}, tc.args...)
				var unchanged func() error
				if !givesDB {
					dsn := filepath.Join(t.TempDir(), "j.db")
					unchanged = func() error {
						if _, err := os.Stat(dsn); !errors.Is(err, os.ErrNotExist) {
							return fmt.Errorf("the SQLite store is there: %v", err)
						}
						return nil
					}
					if store == "postgres" {
						dsn = pgTestSchema(t)
						pgChecked = true
						unchanged = func() error { return pgNoTables(dsn) }
					}
					args = append(args, "--db", dsn)
				}
				if !strings.Contains(strings.Join(tc.args, " "), "--listen") {
					args = append(args, "--listen", "127.0.0.1:0")
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, bin, args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), tc.env...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				began := time.Now()
				err := cmd.Run()
				took := time.Since(began)
				code := 0
				var exit *exec.ExitError
				if errors.As(err, &exit) {
					code = exit.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
				if code != tc.code || took > 5*time.Second {
					t.Errorf("exit %d after %s, want %d within 5s", code, took.Round(time.Millisecond), tc.code)
				}
				if len(lines) < 1 || !regexp.MustCompile(tc.line).MatchString(lines[0]) || (tc.code == 2 && len(lines) != 1) {
					t.Errorf("stderr:\n%s\nwant one line matching %s", stderr.String(), tc.line)
				}
				if strings.Contains(stderr.String(), "s3cret") {
					t.Errorf("stderr shows a secret:\n%s", stderr.String())
				}
				if unchanged != nil {
					if err := unchanged(); err != nil {
						t.Error(err)
					}
				}
			})
		}
	}
	if !pgChecked {
		t.Log("Postgres was not reachable: only SQLite was checked")
	}
}

// pgNoTables reports an error unless the schema dsn's search_path names
// holds no table.
func pgNoTables(dsn string) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()").Scan(&n); err != nil {
		return err
	}
	if n != 0 {
		return fmt.Errorf("the Postgres schema has %d tables", n)
	}
	return nil
}
