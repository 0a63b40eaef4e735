// Command journey is the one command-line tool of Journey: it formats,
// checks, compiles, draws and tests .journey files, shows what a bundle
// holds, and runs journeys as a service, with the operator's commands
// around it (import, outbox).
//
// It is thin on purpose: it parses flags, finds and reads files, calls the
// lang, compiler and runtime packages, and turns their results into output
// and an exit code:
//
//	0  success
//	1  findings: diagnostics with errors (or warnings, with check --strict),
//	   or files whose formatting would change (fmt -l, fmt -d)
//	2  usage or I/O error: a bad flag, a path that is missing, not a .journey
//	   file or a folder without one
//
// (plan --detailed-exitcode has its own: 0 no change, 1 error, 2 changes.)
//
// All the work of a command lives in the packages it calls; main only wires
// them up, so run can be called from tests with its own arguments and
// streams.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/journeylang/journey/internal/version"
)

// Exit codes.
const (
	exitOK       = 0 // success
	exitFindings = 1 // diagnostics with errors, or files fmt would change
	exitUsage    = 2 // usage or I/O error
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// cli is the command line: one field per command.
type cli struct {
	Fmt      fmtCmd      `cmd:"" help:"Format .journey files canonically."`
	Check    checkCmd    `cmd:"" help:"Report the diagnostics of .journey files."`
	Compile  compileCmd  `cmd:"" help:"Compile a workspace into a bundle."`
	Inspect  inspectCmd  `cmd:"" help:"Show what a bundle holds."`
	Graph    graphCmd    `cmd:"" help:"Draw journeys as a Mermaid or Graphviz graph."`
	Test     testCmd     `cmd:"" help:"Run the tests of *_test.journey files on a simulated clock."`
	Run      runCmd      `cmd:"" help:"Run journeys as a service: workers, HTTP intake, delivery."`
	Plan     planCmd     `cmd:"" help:"Show what deploying a workspace or bundle would do to the contacts in flight; changes nothing."`
	Import   importCmd   `cmd:"" help:"Load contacts and events from a JSON-lines file into a store."`
	Outbox   outboxCmd   `cmd:"" help:"List or retry the outbox's deliveries."`
	Contacts contactsCmd `cmd:"" help:"Act on one contact: release its halted journeys."`
	Report   reportCmd   `cmd:"" help:"Report the journeys' readings: funnel, time in stage, messages, goals, splits, cohorts."`
	Lsp      lspCmd      `cmd:"" help:"Run the language server on standard input and output."`
	Version  versionCmd  `cmd:"" help:"Print the version, the commit and the Go version this journey was built from."`

	Completion completionCmd `cmd:"" help:"Print the shell code that makes bash, zsh or fish complete journey's commands, flags and files."`

	VersionFlag kong.VersionFlag `name:"version" help:"Print the version, as the version command does, and exit."`
}

// env is what a command runs with: its streams, and the exit code it has
// reached so far.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	code   int
}

// fail records an exit code; the worst code reached wins.
func (e *env) fail(code int) { e.code = max(e.code, code) }

// errorf reports an error to stderr, prefixed with "journey: ", and records
// exit code 2.
func (e *env) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "journey: "+format+"\n", args...)
	e.fail(exitUsage)
}

// reportPath reports an error met reading a path, without its operation
// (see pathError), and records exit code 2.
func (e *env) reportPath(err error) { e.errorf("%s", pathError(err)) }

// exit is what kong's Exit panics with, to end a parse (after --help) without
// ending the process.
type exit int

// run runs the command line args with the given streams and returns the
// exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	var c cli
	parser, err := kong.New(&c,
		kong.Name("journey"),
		kong.Description("Format, check, compile, draw, test and run Journey files.\n\n"+
			"Exit codes: 0 success, 1 findings, 2 usage or I/O error."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(exit(code)) }),
		kong.Vars{"version": strings.TrimSuffix(version.Get().String(), "\n")},
	)
	if err != nil {
		// The cli struct is wrong: a bug, not a usage error.
		panic(err)
	}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exit)
			if !ok {
				panic(r)
			}
			code = int(e)
		}
	}()

	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if completeArgs(parser, e) {
		return e.code
	}
	ctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "journey: %v\n", err)
		var perr *kong.ParseError
		if errors.As(err, &perr) {
			fmt.Fprintf(stderr, "run %q for usage\n", helpCommand(perr.Context))
		}
		if errors.As(err, &perr) && detailedPlan(perr.Context, args) {
			return planError // 2 means changes there; see planCmd
		}
		return exitUsage
	}
	switch cmd := strings.Fields(ctx.Command())[0]; cmd {
	case "fmt":
		c.Fmt.run(e)
	case "check":
		c.Check.run(e)
	case "compile":
		c.Compile.run(e)
	case "inspect":
		c.Inspect.run(e)
	case "graph":
		c.Graph.run(e)
	case "test":
		c.Test.run(e)
	case "run":
		c.Run.run(e)
	case "plan":
		c.Plan.run(e)
		e.code = c.Plan.detailedExitCode(e.code)
	case "import":
		c.Import.run(e)
	case "outbox":
		c.Outbox.run(e, ctx.Command())
	case "lsp":
		c.Lsp.run(e)
	case "contacts":
		c.Contacts.Release.run(e)
	case "report":
		c.Report.run(e)
	case "version":
		c.Version.run(e)
	case "completion":
		c.Completion.run(e)
	default:
		panic("journey: no code for command " + cmd)
	}
	return e.code
}

// detailedPlan reports whether the command line being parsed is a plan
// with --detailed-exitcode, whose usage errors exit 1.
func detailedPlan(ctx *kong.Context, args []string) bool {
	if ctx == nil || ctx.Selected() == nil || ctx.Selected().Name != "plan" {
		return false
	}
	return slices.Contains(args, "--detailed-exitcode")
}

// helpCommand returns the command line that shows the help of the command
// being parsed when the error happened.
func helpCommand(ctx *kong.Context) string {
	help := "journey --help"
	if ctx == nil {
		return help
	}
	if cmd := ctx.Selected(); cmd != nil {
		help = "journey " + cmd.Path() + " --help"
	}
	return help
}
