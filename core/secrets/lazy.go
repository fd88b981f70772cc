package secrets

import (
	"regexp"
	"sync"
)

// lazy returns a function that compiles pattern on its first call and
// returns the same Regexp ever after. Only redaction (at ingest) needs the
// patterns; compiling them when the package initialises would put them on
// every engine start, a service worker's cold start included.
func lazy(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
