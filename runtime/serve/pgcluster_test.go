package serve_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// pgCluster is a Postgres server of the test's own, which the test may
// stop and start: in a folder of t.TempDir(), on a free port of
// 127.0.0.1, trust authentication.
type pgCluster struct {
	t    *testing.T
	bin  string // the folder of initdb, pg_ctl, postgres
	dir  string // the sockets' folder; data is in dir/data
	port int
	as   *user.User // the user the server runs as when the test runs as root; nil otherwise
}

// newPGCluster makes and starts a cluster, or skips the test saying why it
// cannot: no Postgres binaries (/usr/lib/postgresql/*/bin), or, as root,
// no postgres user to run them as. It is stopped when the test ends.
func newPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("no Postgres server binaries in /usr/lib/postgresql/*/bin: a test that stops its own server cannot run")
	}
	slices.Sort(bins)
	c := &pgCluster{t: t, bin: filepath.Dir(bins[len(bins)-1]), dir: t.TempDir()}
	if os.Geteuid() == 0 {
		// initdb refuses root: the server runs as postgres, in a folder it
		// owns, under folders it may pass through.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("running as root and no postgres user to run a Postgres server as: %v", err)
		}
		c.as = u
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			t.Skipf("cannot give the cluster's folder to postgres: %v", err)
		}
		if err := os.Chmod(filepath.Dir(c.dir), 0o755); err != nil {
			t.Skipf("cannot open the test's folder to postgres: %v", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if out, err := c.run("initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		t.Skipf("initdb failed, so a test that stops its own server cannot run: %v\n%s", err, out)
	}
	c.start()
	t.Cleanup(func() { c.run("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop") })
	return c
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

// DSN is the cluster's postgres database.
func (c *pgCluster) DSN() string {
	return fmt.Sprintf("host=127.0.0.1 port=%d user=postgres dbname=postgres sslmode=disable", c.port)
}

// run runs one of the binaries, as postgres when the test runs as root.
func (c *pgCluster) run(name string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.as != nil {
		cmd = exec.Command("runuser", append([]string{"-u", c.as.Username, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	return cmd.CombinedOutput()
}

// start starts the server and waits until it takes connections.
func (c *pgCluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, c.dir)
	if out, err := c.run("pg_ctl", "-D", c.data(), "-o", opts, "-l", filepath.Join(c.dir, "server.log"), "-w", "start"); err != nil {
		c.t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

// stop stops the server, -m fast: sessions are ended, transactions in
// progress rolled back.
func (c *pgCluster) stop() {
	c.t.Helper()
	if out, err := c.run("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "stop"); err != nil {
		c.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}
