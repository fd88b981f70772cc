package extract

import (
	"regexp"
	"sync"
)

// lre is a regular expression compiled on first use. The rule tables hold
// a few hundred patterns; compiling them when the package initialises
// would put tens of milliseconds (hundreds under WebAssembly) into every
// engine start, although only ingesting a user turn ever needs them.
type lre struct {
	pattern string
	once    sync.Once
	re      *regexp.Regexp
}

func lazy(pattern string) *lre { return &lre{pattern: pattern} }

func (l *lre) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.pattern) })
	return l.re
}

// String returns the source pattern without compiling it.
func (l *lre) String() string { return l.pattern }

// The methods of regexp.Regexp that the rules use.

func (l *lre) MatchString(s string) bool                  { return l.get().MatchString(s) }
func (l *lre) FindString(s string) string                 { return l.get().FindString(s) }
func (l *lre) FindStringSubmatch(s string) []string       { return l.get().FindStringSubmatch(s) }
func (l *lre) FindAllStringIndex(s string, n int) [][]int { return l.get().FindAllStringIndex(s, n) }
func (l *lre) ReplaceAllString(s, repl string) string     { return l.get().ReplaceAllString(s, repl) }
func (l *lre) Split(s string, n int) []string             { return l.get().Split(s, n) }
