package sync

import "testing"

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{"MAX_BYTES": "4096", "KEEP": "3", "RATE_LIMIT": " 20 ",
		"ALLOWED_ORIGINS": "chrome-extension://a, moz-extension://b"}
	c, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || c.MaxBytes != 4096 || c.Keep != 3 || c.RateLimit != 20 || len(c.AllowedOrigins) != 2 ||
		c.AllowedOrigins[1] != "moz-extension://b" {
		t.Fatalf("%+v %v", c, err)
	}
	c, err = ConfigFromEnv(func(string) string { return "" })
	if err != nil || c.MaxBytes != 0 || len(c.AllowedOrigins) != 0 {
		t.Fatalf("empty env: %+v %v", c, err)
	}
	for _, bad := range []map[string]string{{"MAX_BYTES": "32MiB"}, {"KEEP": "0"}, {"RATE_LIMIT": "-1"}} {
		if _, err := ConfigFromEnv(func(k string) string { return bad[k] }); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
