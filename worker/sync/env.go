package sync

import (
	"fmt"
	"strconv"
	"strings"
)

// ConfigFromEnv reads the limits from variables (the Worker's vars in
// wrangler.jsonc): MAX_BYTES, KEEP, RATE_LIMIT (requests per vault per
// minute) and ALLOWED_ORIGINS (separated by commas or spaces). An empty or
// absent variable keeps the default; a malformed one is an error, so a typo
// does not silently lift a limit.
func ConfigFromEnv(get func(string) string) (Config, error) {
	var c Config
	num := func(name string, min, max int64) (int64, error) {
		s := strings.TrimSpace(get(name))
		if s == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < min || n > max {
			return 0, fmt.Errorf("%s=%q: want an integer from %d to %d", name, s, min, max)
		}
		return n, nil
	}
	var err error
	if c.MaxBytes, err = num("MAX_BYTES", 1, 1<<30); err != nil {
		return c, err
	}
	keep, err := num("KEEP", 1, 1000)
	if err != nil {
		return c, err
	}
	rate, err := num("RATE_LIMIT", 1, 1_000_000)
	if err != nil {
		return c, err
	}
	c.Keep, c.RateLimit = int(keep), int(rate)
	c.AllowedOrigins = strings.FieldsFunc(get("ALLOWED_ORIGINS"), func(r rune) bool {
		return r == ',' || r == ' ' || r == '\n' || r == '\t'
	})
	return c, nil
}
