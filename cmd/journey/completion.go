package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"
)

// Shell completion comes from the CLI definition itself: the shell calls
// journey back with the command line in COMP_LINE (and the cursor in
// COMP_POINT), and kongplete answers from the kong model — the commands,
// their flags, the values of enum flags — so that a new command or flag
// completes without any list to keep. `journey completion SHELL` prints
// the few lines that register journey as its own completer in bash, zsh
// (through bashcompinit) or fish.

// completionCmd is `journey completion bash|zsh|fish`.
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish."`
}

// completionScripts are the registrations, by shell; %[1]s is the binary
// the shell calls, %[2]s the command's name. A word journey does not
// complete falls back to file names in bash and zsh (-o default).
var completionScripts = map[string]string{
	"bash": "complete -o default -C %[1]q %[2]s\n",
	"zsh":  "autoload -U +X bashcompinit && bashcompinit\ncomplete -o default -C %[1]q %[2]s\n",
	"fish": `function __complete_%[2]s
    set -lx COMP_LINE (commandline -cp)
    test -z (commandline -ct)
    and set COMP_LINE "$COMP_LINE "
    %[1]q
end
complete -f -c %[2]s -a "(__complete_%[2]s)"
`,
}

func (c *completionCmd) run(e *env) {
	bin, err := completionBinary()
	if err != nil {
		e.errorf("completion: %v", err)
		return
	}
	fmt.Fprintf(e.stdout, completionScripts[c.Shell], bin, "journey")
}

// completionBinary returns the absolute path of the journey the shell is
// to call: the one on PATH, else this very binary.
func completionBinary() (string, error) {
	bin, err := exec.LookPath("journey")
	if err != nil {
		if bin, err = os.Executable(); err != nil {
			return "", err
		}
	}
	return filepath.Abs(bin)
}

// Predictions for the values the kong model knows only as strings: paths
// by the name of the argument, files by the placeholder of the flag.
var (
	predictJourney = complete.PredictFiles("*.journey") // .journey files, and directories to walk
	predictFile    = complete.PredictFiles("*")
)

// filePlaceholders are the flag placeholders whose value is a file (DSN:
// a SQLite file, or a postgres:// URL).
var filePlaceholders = map[string]complete.Predictor{
	"FILE": predictFile, "KEY": predictFile, "PUBKEY": predictFile, "DSN": predictFile,
	"PATH": predictJourney,
}

// completeArgs answers a shell's completion request, when COMP_LINE holds
// one, from parser's model, and reports whether it did; journey then
// exits 0.
func completeArgs(parser *kong.Kong, e *env) bool {
	if os.Getenv("COMP_LINE") == "" {
		return false
	}
	cmd, err := kongplete.Command(parser)
	if err != nil {
		e.errorf("completion: %v", err)
		return true
	}
	refine(parser.Model.Node, &cmd)
	c := complete.New(parser.Model.Name, cmd)
	c.Out = e.stdout
	return c.Complete()
}

// refine sets, in c, the predictions of node's file flags and path
// arguments, and so on down its subcommands.
func refine(node *kong.Node, c *complete.Command) {
	for _, f := range node.Flags {
		p, ok := filePlaceholders[f.PlaceHolder]
		if !ok {
			continue
		}
		c.GlobalFlags["--"+f.Name] = p
		if f.Short != 0 {
			c.GlobalFlags["-"+string(f.Short)] = p
		}
	}
	if len(node.Positional) > 0 && len(node.Children) == 0 {
		switch node.Positional[0].Name {
		case "path":
			c.Args = predictJourney
		case "file":
			c.Args = predictFile
		}
	}
	for _, child := range node.Children {
		if sub, ok := c.Sub[child.Name]; ok {
			refine(child, &sub)
			c.Sub[child.Name] = sub
		}
	}
}
