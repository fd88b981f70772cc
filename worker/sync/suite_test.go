package sync_test

// The behavioural suite of the sync protocol, run against any server: the
// Handler with a FileStore under httptest (handler_test.go) and the real
// Worker under workerd through `wrangler dev` (workerd_test.go).

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
)

// target is a running server and the limits it was configured with.
type target struct {
	url       string
	maxBytes  int64
	keep      int
	rateLimit int
	origin    string        // an allowed origin
	logs      func() string // what the server logged so far
	urlsInLog bool          // the runtime logs request URLs itself (wrangler dev): vault ids may appear
}

// plainMarker is in every blob the suite sends; no log may contain it.
const plainMarker = "PLAINTEXT-MARKER-do-not-log"

type vault struct {
	id, token string
}

func newVault(t *testing.T) vault {
	t.Helper()
	var id [16]byte
	var tok [32]byte
	rand.Read(id[:])
	rand.Read(tok[:])
	return vault{id: hex.EncodeToString(id[:]), token: base64.RawURLEncoding.EncodeToString(tok[:])}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d: body is not JSON: %q", r.status, r.body)
	}
	return m
}

func (r reply) code(t *testing.T) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	if e == nil || e["message"] == "" {
		t.Fatalf("status %d: no error object with a message: %s", r.status, r.body)
	}
	c, _ := e["code"].(string)
	return c
}

type req struct {
	method, path string
	token        string // "" sends no Authorization
	auth         string // a raw Authorization header instead of token
	header       map[string]string
	body         io.Reader
	length       int64 // Content-Length to declare; -1 for chunked
}

func (tg target) do(t *testing.T, q req) reply {
	t.Helper()
	r, err := http.NewRequest(q.method, tg.url+q.path, q.body)
	if err != nil {
		t.Fatal(err)
	}
	if q.body != nil {
		r.ContentLength = q.length
	}
	if q.length < 0 {
		r.Body = io.NopCloser(q.body) // unknown length: sent chunked
	}
	if q.token != "" {
		r.Header.Set("Authorization", "Bearer "+q.token)
	}
	if q.auth != "" {
		r.Header.Set("Authorization", q.auth)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", q.method, q.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the reply: %v", q.method, q.path, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func blob(v vault, n int) []byte {
	return fmt.Appendf(nil, "%s vault %s blob %d %s", plainMarker, v.id[:6], n, strings.Repeat("x", 100))
}

func (tg target) put(t *testing.T, v vault, expected uint64, body []byte) reply {
	t.Helper()
	return tg.do(t, req{method: "PUT", path: "/v1/vaults/" + v.id + "/head", token: v.token,
		header: map[string]string{"If-Match": strconv.Quote(strconv.FormatUint(expected, 10))},
		body:   bytes.NewReader(body), length: int64(len(body))})
}

func (tg target) get(t *testing.T, v vault, path string) reply {
	t.Helper()
	return tg.do(t, req{method: "GET", path: "/v1/vaults/" + v.id + path, token: v.token})
}

func wantStatus(t *testing.T, what string, r reply, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, r.status, status, r.body)
	}
}

func wantVersion(t *testing.T, what string, r reply, v float64) {
	t.Helper()
	if got := r.json(t)["version"]; got != v {
		t.Fatalf("%s: version %v, want %v; body %s", what, got, v, r.body)
	}
}

// create makes a vault at version 1.
func (tg target) create(t *testing.T) vault {
	t.Helper()
	v := newVault(t)
	r := tg.put(t, v, 0, blob(v, 1))
	wantStatus(t, "create", r, 200)
	wantVersion(t, "create", r, 1)
	return v
}

// runSuite runs every behavioural test against tg.
func runSuite(t *testing.T, tg target) {
	var tokens, ids []string
	track := func(v vault) vault { tokens, ids = append(tokens, v.token), append(ids, v.id); return v }

	t.Run("CreateGetUpdate", func(t *testing.T) {
		v := track(tg.create(t))
		r := tg.get(t, v, "/head")
		wantStatus(t, "GET head", r, 200)
		if !bytes.Equal(r.body, blob(v, 1)) {
			t.Fatalf("GET head: body %q", r.body)
		}
		if r.header.Get("X-Confidant-Version") != "1" || r.header.Get("ETag") != `"1"` {
			t.Fatalf("GET head: headers %v", r.header)
		}
		r = tg.put(t, v, 1, blob(v, 2))
		wantStatus(t, "PUT 1→2", r, 200)
		wantVersion(t, "PUT 1→2", r, 2)
		if r.header.Get("ETag") != `"2"` {
			t.Fatalf("PUT: ETag %q", r.header.Get("ETag"))
		}
		r = tg.get(t, v, "/head")
		if !bytes.Equal(r.body, blob(v, 2)) || r.header.Get("X-Confidant-Version") != "2" {
			t.Fatalf("GET head after update: %d %q", r.status, r.body)
		}
		r = tg.do(t, req{method: "GET", path: "/v1/vaults/" + v.id + "/head", token: v.token,
			header: map[string]string{"If-None-Match": `"2"`}})
		wantStatus(t, "GET head If-None-Match current", r, 304)
		r = tg.get(t, v, "/versions/1")
		wantStatus(t, "GET version 1", r, 200)
		if !bytes.Equal(r.body, blob(v, 1)) || r.header.Get("X-Confidant-Version") != "1" {
			t.Fatalf("GET version 1: %q %v", r.body, r.header)
		}
	})

	t.Run("Conflict", func(t *testing.T) {
		v := track(tg.create(t))
		wantStatus(t, "PUT 1→2", tg.put(t, v, 1, blob(v, 2)), 200)
		r := tg.put(t, v, 1, blob(v, 9))
		wantStatus(t, "stale PUT", r, 409)
		wantVersion(t, "stale PUT", r, 2)
		if c := r.code(t); c != "version_conflict" {
			t.Fatalf("stale PUT: code %q", c)
		}
		r = tg.put(t, v, 0, blob(v, 9))
		wantStatus(t, "create over an existing vault", r, 409)
		wantVersion(t, "create over an existing vault", r, 2)
		r = tg.put(t, v, 7, blob(v, 9))
		wantStatus(t, "PUT from the future", r, 409)
		if r := tg.get(t, v, "/head"); !bytes.Equal(r.body, blob(v, 2)) {
			t.Fatalf("a refused PUT changed the head: %q", r.body)
		}
	})

	t.Run("RacingPuts", func(t *testing.T) {
		race := func(t *testing.T, v vault, expected uint64) {
			var wg gosync.WaitGroup
			replies := make([]reply, 2)
			start := make(chan struct{})
			for i := range replies {
				wg.Go(func() {
					<-start
					replies[i] = tg.put(t, v, expected, blob(v, 100+i))
				})
			}
			close(start)
			wg.Wait()
			a, b := replies[0], replies[1]
			if a.status == 409 {
				a, b = b, a
			}
			if a.status != 200 || b.status != 409 {
				t.Fatalf("racing PUTs on version %d: statuses %d and %d, want one 200 and one 409 (%s / %s)",
					expected, replies[0].status, replies[1].status, replies[0].body, replies[1].body)
			}
			wantVersion(t, "winner", a, float64(expected+1))
			wantVersion(t, "loser", b, float64(expected+1))
			winner := 100
			if replies[1].status == 200 {
				winner = 101
			}
			if r := tg.get(t, v, "/head"); !bytes.Equal(r.body, blob(v, winner)) {
				t.Fatalf("head after the race is not the winner's blob: %q", r.body)
			}
		}
		v := track(newVault(t))
		race(t, v, 0) // two devices creating the same vault
		for n := uint64(1); n <= 4; n++ {
			race(t, v, n)
		}
	})

	t.Run("KeepPruning", func(t *testing.T) {
		v := track(tg.create(t))
		last := tg.keep + 2
		for n := 2; n <= last; n++ {
			wantStatus(t, "PUT", tg.put(t, v, uint64(n-1), blob(v, n)), 200)
		}
		for n := 1; n <= last; n++ {
			r := tg.get(t, v, "/versions/"+strconv.Itoa(n))
			if n <= last-tg.keep {
				wantStatus(t, "GET pruned version "+strconv.Itoa(n), r, 404)
				if c := r.code(t); c != "version_not_kept" {
					t.Fatalf("pruned version: code %q", c)
				}
				continue
			}
			wantStatus(t, "GET kept version "+strconv.Itoa(n), r, 200)
			if !bytes.Equal(r.body, blob(v, n)) {
				t.Fatalf("version %d: body %q", n, r.body)
			}
		}
		wantStatus(t, "GET version past the head", tg.get(t, v, "/versions/"+strconv.Itoa(last+1)), 404)
		wantStatus(t, "GET version 0", tg.get(t, v, "/versions/0"), 400)
		wantStatus(t, "GET version 01", tg.get(t, v, "/versions/01"), 400)
	})

	t.Run("Delete", func(t *testing.T) {
		v := track(tg.create(t))
		wantStatus(t, "PUT", tg.put(t, v, 1, blob(v, 2)), 200)
		r := tg.do(t, req{method: "DELETE", path: "/v1/vaults/" + v.id, token: v.token})
		wantStatus(t, "DELETE", r, 204)
		wantStatus(t, "GET head after DELETE", tg.get(t, v, "/head"), 404)
		wantStatus(t, "GET version after DELETE", tg.get(t, v, "/versions/1"), 404)
		wantStatus(t, "PUT on a deleted vault", tg.put(t, v, 2, blob(v, 3)), 404)
		wantStatus(t, "DELETE again", tg.do(t, req{method: "DELETE", path: "/v1/vaults/" + v.id, token: v.token}), 404)
		// The id is free again, for any token.
		other := track(vault{id: v.id, token: newVault(t).token})
		r = tg.put(t, other, 0, blob(other, 1))
		wantStatus(t, "re-create", r, 200)
		wantVersion(t, "re-create", r, 1)
		wantStatus(t, "old token on the re-created vault", tg.get(t, v, "/head"), 403)
	})

	t.Run("Auth", func(t *testing.T) {
		v := track(tg.create(t))
		head := "/v1/vaults/" + v.id + "/head"
		for _, c := range []struct {
			name   string
			q      req
			status int
			code   string
		}{
			{"no Authorization", req{method: "GET", path: head}, 401, "unauthorized"},
			{"Basic scheme", req{method: "GET", path: head, auth: "Basic dXNlcjpwYXNz"}, 401, "unauthorized"},
			{"short token", req{method: "GET", path: head, auth: "Bearer abc"}, 401, "unauthorized"},
			{"padded token", req{method: "GET", path: head, auth: "Bearer " + v.token + "="}, 401, "unauthorized"},
			{"wrong token GET", req{method: "GET", path: head, token: newVault(t).token}, 403, "forbidden"},
			{"wrong token version", req{method: "GET", path: "/v1/vaults/" + v.id + "/versions/1", token: newVault(t).token}, 403, "forbidden"},
			{"wrong token PUT", req{method: "PUT", path: head, token: newVault(t).token,
				header: map[string]string{"If-Match": `"1"`}, body: strings.NewReader("x"), length: 1}, 403, "forbidden"},
			{"wrong token create", req{method: "PUT", path: head, token: newVault(t).token,
				header: map[string]string{"If-Match": `"0"`}, body: strings.NewReader("x"), length: 1}, 403, "forbidden"},
			{"wrong token DELETE", req{method: "DELETE", path: "/v1/vaults/" + v.id, token: newVault(t).token}, 403, "forbidden"},
			{"no token DELETE", req{method: "DELETE", path: "/v1/vaults/" + v.id}, 401, "unauthorized"},
			{"missing vault", req{method: "GET", path: "/v1/vaults/" + newVault(t).id + "/head", token: v.token}, 404, "vault_not_found"},
			{"missing vault PUT", req{method: "PUT", path: "/v1/vaults/" + newVault(t).id + "/head", token: v.token,
				header: map[string]string{"If-Match": `"3"`}, body: strings.NewReader("x"), length: 1}, 404, "vault_not_found"},
			{"uppercase id", req{method: "GET", path: "/v1/vaults/" + strings.ToUpper(v.id) + "/head", token: v.token}, 400, "bad_vault_id"},
			{"short id", req{method: "GET", path: "/v1/vaults/" + v.id[:31] + "/head", token: v.token}, 400, "bad_vault_id"},
			{"non-hex id", req{method: "GET", path: "/v1/vaults/" + v.id[:31] + "g/head", token: v.token}, 400, "bad_vault_id"},
			{"no If-Match", req{method: "PUT", path: head, token: v.token, body: strings.NewReader("x"), length: 1}, 428, "if_match_required"},
			{"bare If-Match", req{method: "PUT", path: head, token: v.token,
				header: map[string]string{"If-Match": "1"}, body: strings.NewReader("x"), length: 1}, 400, "bad_if_match"},
			{"unknown path", req{method: "GET", path: "/v2/other", token: v.token}, 404, "not_found"},
			{"wrong method", req{method: "POST", path: head, token: v.token, body: strings.NewReader("x"), length: 1}, 405, "method_not_allowed"},
			{"DELETE on head", req{method: "DELETE", path: head, token: v.token}, 405, "method_not_allowed"},
		} {
			r := tg.do(t, c.q)
			wantStatus(t, c.name, r, c.status)
			if got := r.code(t); got != c.code {
				t.Errorf("%s: code %q, want %q", c.name, got, c.code)
			}
			if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: 401 without WWW-Authenticate", c.name)
			}
		}
		if r := tg.get(t, v, "/head"); !bytes.Equal(r.body, blob(v, 1)) {
			t.Fatalf("refused requests changed the vault: %d %q", r.status, r.body)
		}
	})

	t.Run("TooLarge", func(t *testing.T) {
		v := track(tg.create(t))
		big := bytes.Repeat([]byte(plainMarker), int(tg.maxBytes)/len(plainMarker)+1)[:tg.maxBytes+1]
		r := tg.put(t, v, 1, big) // Content-Length over the cap
		wantStatus(t, "PUT with Content-Length over the cap", r, 413)
		if c := r.code(t); c != "too_large" {
			t.Fatalf("code %q", c)
		}
		r = tg.do(t, req{method: "PUT", path: "/v1/vaults/" + v.id + "/head", token: v.token,
			header: map[string]string{"If-Match": `"1"`}, body: bytes.NewReader(big), length: -1})
		wantStatus(t, "chunked PUT over the cap", r, 413)
		if r := tg.get(t, v, "/head"); r.header.Get("X-Confidant-Version") != "1" || !bytes.Equal(r.body, blob(v, 1)) {
			t.Fatalf("a refused large PUT changed the head: %v", r.header)
		}
		exact := big[:tg.maxBytes]
		r = tg.do(t, req{method: "PUT", path: "/v1/vaults/" + v.id + "/head", token: v.token,
			header: map[string]string{"If-Match": `"1"`}, body: bytes.NewReader(exact), length: -1})
		wantStatus(t, "chunked PUT of exactly the cap", r, 200)
		if r := tg.get(t, v, "/head"); !bytes.Equal(r.body, exact) {
			t.Fatalf("blob of exactly the cap came back with %d bytes", len(r.body))
		}
		wantStatus(t, "create with a blob over the cap", tg.put(t, newVault(t), 0, big), 413)
	})

	t.Run("RateLimit", func(t *testing.T) {
		v := track(tg.create(t))
		// A fixed window may roll over once during the loop; two windows' worth always hits the limit.
		for i := 1; i <= 2*tg.rateLimit+2; i++ {
			r := tg.get(t, v, "/head")
			if r.status == 200 {
				continue
			}
			wantStatus(t, "over the rate limit", r, 429)
			if c := r.code(t); c != "rate_limited" {
				t.Fatalf("code %q", c)
			}
			ra, err := strconv.Atoi(r.header.Get("Retry-After"))
			if err != nil || ra < 1 || ra > 60 {
				t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
			}
			if i <= tg.rateLimit-1 {
				t.Fatalf("limited after %d requests, limit %d", i, tg.rateLimit)
			}
			wantStatus(t, "PUT over the rate limit", tg.put(t, v, 1, blob(v, 2)), 429)
			// Another vault has its own budget; a wrong token is refused before counting.
			wantStatus(t, "wrong token while limited", tg.do(t, req{method: "GET", path: "/v1/vaults/" + v.id + "/head",
				token: newVault(t).token}), 403)
			w := track(tg.create(t))
			wantStatus(t, "another vault", tg.get(t, w, "/head"), 200)
			return
		}
		t.Fatalf("no 429 after %d requests (limit %d)", 2*tg.rateLimit+2, tg.rateLimit)
	})

	t.Run("CORS", func(t *testing.T) {
		v := track(tg.create(t))
		head := "/v1/vaults/" + v.id + "/head"
		preflight := func(origin string) reply {
			return tg.do(t, req{method: "OPTIONS", path: head, header: map[string]string{
				"Origin": origin, "Access-Control-Request-Method": "PUT",
				"Access-Control-Request-Headers": "authorization, if-match"}})
		}
		r := preflight(tg.origin)
		wantStatus(t, "preflight from the extension", r, 204)
		if r.header.Get("Access-Control-Allow-Origin") != tg.origin ||
			!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "PUT") ||
			!strings.Contains(strings.ToLower(r.header.Get("Access-Control-Allow-Headers")), "if-match") {
			t.Fatalf("preflight headers: %v", r.header)
		}
		r = tg.do(t, req{method: "GET", path: head, token: v.token, header: map[string]string{"Origin": tg.origin}})
		wantStatus(t, "GET from the extension", r, 200)
		if r.header.Get("Access-Control-Allow-Origin") != tg.origin ||
			!strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "X-Confidant-Version") {
			t.Fatalf("GET from the extension: CORS headers %v", r.header)
		}
		for _, origin := range []string{"https://evil.example", "chrome-extension://otherextensionid", "null"} {
			r = preflight(origin)
			wantStatus(t, "preflight from "+origin, r, 403)
			r2 := tg.do(t, req{method: "PUT", path: head, token: v.token, header: map[string]string{"Origin": origin, "If-Match": `"1"`},
				body: bytes.NewReader(blob(v, 5)), length: int64(len(blob(v, 5)))})
			wantStatus(t, "PUT from "+origin, r2, 403)
			for _, rr := range []reply{r, r2} {
				for k := range rr.header {
					if strings.HasPrefix(strings.ToLower(k), "access-control-") {
						t.Fatalf("%s got CORS header %s", origin, k)
					}
				}
			}
		}
		if r := tg.get(t, v, "/head"); r.header.Get("X-Confidant-Version") != "1" {
			t.Fatalf("a refused origin changed the vault")
		}
	})

	t.Run("LogsHoldNoSecrets", func(t *testing.T) {
		if tg.logs == nil {
			t.Skip("no log capture for this target")
		}
		logs := tg.logs()
		if !strings.Contains(logs, "/v1/vaults/{id}/head") {
			t.Fatalf("the request log lines are missing; log:\n%s", logs)
		}
		secret := append([]string{plainMarker, "xxxxxxxxxx"}, tokens...)
		if !tg.urlsInLog {
			secret = append(secret, ids...)
		}
		for _, s := range secret {
			if strings.Contains(logs, s) {
				t.Fatalf("the log contains %q", s)
			}
		}
	})
}
