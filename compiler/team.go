package compiler

// The workspace's teams: `team sales "sales@acme.example"`, declarations
// any file may hold, each name once. `notify TEAM` and `task … for TEAM`
// must name one of them or `owner`, the contact's owner, which is always
// known (the runtime resolves it to the contact's `owner` attribute when
// it writes the action). The lowerer carries the teams, sorted by name,
// into the Program, and the bundle to the runtime's sinks.

import (
	"sort"

	"github.com/journeylang/journey/lang/ast"
)

// Owner is the team name every workspace knows: the contact's owner.
const Owner = "owner"

// Team is a declared team, as the bundle carries it.
type Team struct {
	Name    string `json:"name"`
	Address string `json:"address,omitempty"` // as declared: an email address, a URL…; "" when none
}

// Teams returns the names of the workspace's declared teams, sorted, and
// Owner, which every workspace knows: what `notify` and `task … for` may
// name.
func (r *Result) Teams() []string {
	names := []string{Owner}
	for name := range r.teams {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// teamInfo is a declared team and where.
type teamInfo struct {
	file string
	decl *ast.TeamDecl
}

// teams checks the team declarations of the workspace and returns them by
// name, the first of each.
func (c *checker) teams() map[string]*teamInfo {
	out := map[string]*teamInfo{}
	for _, f := range c.ws.Files {
		for _, d := range f.Decls {
			t, ok := d.(*ast.TeamDecl)
			if !ok || t.Name == nil {
				continue
			}
			switch prev := out[t.Name.Name]; {
			case t.Name.Name == Owner:
				c.report(errOwnerTeam(f.Name, t.Name))
			case prev != nil:
				c.report(errDuplicate(f.Name, t.Name.Pos, "team", t.Name.Name, prev.file, prev.decl.Name.Pos))
			default:
				out[t.Name.Name] = &teamInfo{file: f.Name, decl: t}
			}
		}
	}
	return out
}

// team checks a team a step names.
func (c *checker) team(file string, n *ast.Ident) {
	if n == nil || n.Name == Owner || c.teamDecls[n.Name] != nil {
		return
	}
	c.report(errUnknownTeam(file, n, c.teamNames()))
}

// teamNames are the names a step may give: the declared teams and owner.
func (c *checker) teamNames() []string {
	out := append(sortedNames(c.teamDecls), Owner)
	sort.Strings(out)
	return out
}

// lowerTeams returns the declared teams, sorted by name; nil for none.
func lowerTeams(m map[string]*teamInfo) []Team {
	var out []Team
	for _, name := range sortedNames(m) {
		t := Team{Name: name}
		if a := m[name].decl.Address; a != nil {
			t.Address = a.Value
		}
		out = append(out, t)
	}
	return out
}
