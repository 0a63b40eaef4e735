package testrun

import (
	"sort"

	"github.com/journeylang/journey/compiler"
	"github.com/journeylang/journey/runtime"
)

// Coverage says which steps, if branches and split arms the tests reached.
type Coverage struct {
	Files []*FileCoverage // by journey file, sorted by name
}

// FileCoverage is one journey file's coverage.
type FileCoverage struct {
	File    string
	Journey string
	Total   int
	Covered int
	Missed  []Item // in written order
}

// Percent is the share of items covered, 100 when there are none.
func (f *FileCoverage) Percent() float64 {
	if f.Total == 0 {
		return 100
	}
	return 100 * float64(f.Covered) / float64(f.Total)
}

// Item is a step, a branch or an arm that coverage counts.
type Item struct {
	Kind   string // step, branch or arm
	ID     string // the step's identity; with the branch or arm name for those
	Source compiler.SourcePos
}

// Total is the coverage of all files together.
func (c *Coverage) Total() (covered, total int) {
	for _, f := range c.Files {
		covered += f.Covered
		total += f.Total
	}
	return covered, total
}

// Percent is the share of all items covered.
func (c *Coverage) Percent() float64 {
	covered, total := c.Total()
	if total == 0 {
		return 100
	}
	return 100 * float64(covered) / float64(total)
}

func cover(prog *compiler.Program, results []*Result) *Coverage {
	reached := map[string]bool{}
	for _, r := range results {
		for _, rec := range r.Timeline {
			if rec.Step == "" {
				continue
			}
			reached[rec.Journey+"\x00"+rec.Step] = true
			if rec.Kind == runtime.RecBranch || rec.Kind == runtime.RecArm {
				reached[rec.Journey+"\x00"+rec.Step+"/"+rec.Detail] = true
			}
		}
	}
	out := &Coverage{}
	for _, j := range prog.Journeys {
		fc := &FileCoverage{File: j.Source.File, Journey: j.Name}
		add := func(kind, id string, src compiler.SourcePos) {
			fc.Total++
			if reached[j.Name+"\x00"+id] {
				fc.Covered++
				return
			}
			fc.Missed = append(fc.Missed, Item{Kind: kind, ID: id, Source: src})
		}
		for _, s := range j.Stages {
			compiler.WalkSteps(s.Steps, func(st *compiler.Step) {
				add("step", st.ID, st.Source)
				for i := range st.Branches {
					add("branch", st.ID+"/"+compiler.BranchName(st, i), st.Source)
				}
				if st.Kind == compiler.StepIf && !compiler.HasElse(st) {
					add("branch", st.ID+"/"+compiler.ImplicitElse, st.Source)
				}
				for _, a := range st.Arms {
					add("arm", st.ID+"/"+a.Name, st.Source)
				}
			})
		}
		out.Files = append(out.Files, fc)
	}
	sort.Slice(out.Files, func(a, b int) bool { return out.Files[a].File < out.Files[b].File })
	return out
}
