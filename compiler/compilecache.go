package compiler

// Conditions written the same way are compiled once. A workspace repeats
// many (`lifecycle == "customer"` in journey after journey: over half the
// conditions of the workspace scripts/genworkspace writes), and parsing
// and checking with cel-go is most of the checker's own time. What cel-go
// makes of a text in an environment depends on nothing else, and the
// checker only reads it: the positions of its diagnostics are each
// condition's own (Condition.locate), and planning works on a copy
// (settle). The cache keeps the texts used most lately, so that it holds a
// bounded number of ASTs however many conditions a workspace has.

import "github.com/google/cel-go/cel"

// compiled is what cel-go made of one text in one environment, shared by
// the conditions written that way.
type compiled struct {
	ast     *cel.Ast    // nil when iss holds errors
	iss     *cel.Issues // cel-go's errors, if any
	cost    uint64      // cel-go's estimate of one evaluation (cost.go), when costed
	costed  bool        // cost is set
	planned []byte      // the planned form, encoded (settle); nil until made
}

// compileCacheSize bounds each of the cache's two generations.
const compileCacheSize = 256

// compileCache keeps the compiled texts in two generations: a text found
// in the older is moved to the newer, and when the newer is full the
// older is dropped and the newer takes its place. So a text used in every
// journey stays, and one used once goes after compileCacheSize others.
type compileCache struct {
	cur, prev map[string]*compiled
}

// compiled returns what cel-go makes of source in the environment of
// event, compiling it unless it is cached.
func (c *checker) compiled(event, source string) *compiled {
	key := event + "\x00" + source
	k := &c.cache
	if v, ok := k.cur[key]; ok {
		return v
	}
	v, ok := k.prev[key]
	if !ok {
		v = &compiled{}
		v.ast, v.iss = c.envs.env(event).Compile(source)
		if v.iss != nil && v.iss.Err() != nil {
			v.ast = nil
		}
	}
	if len(k.cur) >= compileCacheSize || k.cur == nil {
		k.prev, k.cur = k.cur, make(map[string]*compiled, compileCacheSize)
	}
	k.cur[key] = v
	return v
}
