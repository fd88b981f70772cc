package sync

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults of Config.
const (
	DefaultMaxBytes   = 32 << 20
	DefaultKeep       = 5
	DefaultRateLimit  = 60
	DefaultRateWindow = time.Minute
)

// Config configures a Handler. Zero fields take the defaults.
type Config struct {
	Store          Store
	MaxBytes       int64         // largest blob accepted (413 above it); DefaultMaxBytes
	Keep           int           // versions kept per vault, the head included; DefaultKeep
	RateLimit      int           // requests per vault per RateWindow (429 above it); DefaultRateLimit
	RateWindow     time.Duration // fixed window of the rate limit; DefaultRateWindow
	AllowedOrigins []string      // exact Origin values given CORS access, e.g. chrome-extension://<id>
	Logger         *slog.Logger  // one line per request: method, route, status, sizes; nil logs nothing
	Now            func() time.Time
}

// Handler serves the sync protocol (see the package doc) over a Store.
type Handler struct {
	cfg     Config
	origins map[string]bool
	log     *slog.Logger
}

// NewHandler returns the protocol's http.Handler.
func NewHandler(cfg Config) *Handler {
	if cfg.Store == nil {
		panic("sync: Config.Store is nil")
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.Keep <= 0 {
		cfg.Keep = DefaultKeep
	}
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = DefaultRateWindow
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cfg: cfg, origins: map[string]bool{}, log: cfg.Logger}
	for _, o := range cfg.AllowedOrigins {
		if o = strings.TrimSpace(o); o != "" {
			h.origins[o] = true
		}
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h
}

// headRecord is the per-vault record that every request reads and a
// successful PUT swaps (compare-and-swap on its entity tag).
type headRecord struct {
	Format    int    `json:"format"`    // 1
	TokenHash string `json:"tokenHash"` // hex SHA-256 of the 32 token bytes
	Version   uint64 `json:"version"`   // the head's version, ≥ 1
	Kept      []kept `json:"kept"`      // newest first; Kept[0] is the head
}

type kept struct {
	Version uint64 `json:"version"`
	Key     string `json:"key"`
	Size    int64  `json:"size"`
}

type rateRecord struct {
	Window int64 `json:"window"` // start of the fixed window, Unix seconds
	Count  int   `json:"count"`
}

func vaultPrefix(id string) string { return "vaults/" + id + "/" }
func headKey(id string) string     { return vaultPrefix(id) + "head" }
func rateKey(id string) string     { return vaultPrefix(id) + "rate" }
func blobKey(id string, v uint64) string {
	var nonce [8]byte
	rand.Read(nonce[:])
	return fmt.Sprintf("%sblobs/%020d-%x", vaultPrefix(id), v, nonce)
}

// apiError is a refusal: its status and the JSON body's code and message.
type apiError struct {
	status  int
	code    string
	message string
	version *uint64 // for 409: the current version
	header  map[string]string
}

func fail(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// route is a parsed request path.
type route struct {
	shape   string // the path with the vault id and version replaced, for logs
	vault   string
	kind    string // "head", "version", "vault"
	version uint64 // for "version"
}

func isVaultID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// parseVersion accepts a canonical decimal (no sign, no leading zero) below 2^53.
func parseVersion(s string) (uint64, bool) {
	if s == "" || len(s) > 16 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	return v, err == nil && v < 1<<53
}

func parseRoute(path string) (route, *apiError) {
	rest, ok := strings.CutPrefix(path, "/v1/vaults/")
	if !ok {
		return route{shape: "other"}, fail(http.StatusNotFound, "not_found", "no such endpoint; the API lives under /v1/vaults/{id}")
	}
	parts := strings.Split(rest, "/")
	r := route{vault: parts[0]}
	switch {
	case len(parts) == 1:
		r.kind, r.shape = "vault", "/v1/vaults/{id}"
	case len(parts) == 2 && parts[1] == "head":
		r.kind, r.shape = "head", "/v1/vaults/{id}/head"
	case len(parts) == 3 && parts[1] == "versions":
		r.kind, r.shape = "version", "/v1/vaults/{id}/versions/{n}"
	default:
		return route{shape: "other"}, fail(http.StatusNotFound, "not_found", "no such endpoint under /v1/vaults/{id}")
	}
	if !isVaultID(r.vault) {
		return r, fail(http.StatusBadRequest, "bad_vault_id", "the vault id must be 32 lowercase hexadecimal characters")
	}
	if r.kind == "version" {
		v, ok := parseVersion(parts[2])
		if !ok || v == 0 {
			return r, fail(http.StatusBadRequest, "bad_version", "the version must be a positive decimal integer")
		}
		r.version = v
	}
	return r, nil
}

var allowedMethods = map[string]string{
	"vault":   "DELETE",
	"head":    "GET, PUT",
	"version": "GET",
}

// recorder counts what the response carried, for the log line.
type recorder struct {
	http.ResponseWriter
	status int
	out    int64
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.out += int64(n)
	return n, err
}

// countingReader counts the request body bytes read.
type countingReader struct {
	r io.ReadCloser
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Close() error { return c.r.Close() }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := h.cfg.Now()
	rec := &recorder{ResponseWriter: w}
	var body *countingReader
	if r.Body != nil {
		body = &countingReader{r: r.Body}
		r.Body = body
	}
	rt, err := h.serve(rec, r)
	if err != nil {
		h.writeError(rec, err)
	}
	var in int64
	if body != nil {
		in = body.n
	}
	// Only the method, the path's shape, the status and sizes: never the
	// vault id, a token, a header value or a byte of a body.
	h.log.Info("sync request", "method", r.Method, "route", rt.shape, "status", rec.status,
		"declared_bytes", r.ContentLength, "read_bytes", in, "sent_bytes", rec.out,
		"ms", h.cfg.Now().Sub(start).Milliseconds())
}

func (h *Handler) writeError(w http.ResponseWriter, e *apiError) {
	for k, v := range e.header {
		w.Header().Set(k, v)
	}
	body := map[string]any{"error": map[string]string{"code": e.code, "message": e.message}}
	if e.version != nil {
		body["version"] = *e.version
	}
	writeJSON(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) (route, *apiError) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Add("Vary", "Origin")
	if origin := r.Header.Get("Origin"); origin != "" {
		if !h.origins[origin] {
			// Browsers send Origin on every cross-origin request; a page
			// that is not the extension gets nothing, not even a side effect.
			rt, _ := parseRoute(r.URL.Path)
			return rt, fail(http.StatusForbidden, "origin_not_allowed", "this origin is not allowed to use the sync API")
		}
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Expose-Headers", "ETag, X-Confidant-Version, Retry-After")
	}
	rt, perr := parseRoute(r.URL.Path)
	if r.Method == http.MethodOptions {
		if perr != nil && perr.status == http.StatusNotFound {
			return rt, perr
		}
		if r.Header.Get("Origin") == "" {
			return rt, fail(http.StatusForbidden, "origin_not_allowed", "a CORS preflight needs an allowed Origin")
		}
		w.Header().Set("Access-Control-Allow-Methods", "GET, PUT, DELETE")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, If-Match, If-None-Match, Content-Type")
		w.Header().Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return rt, nil
	}
	if perr != nil {
		return rt, perr
	}
	if !slices.Contains(strings.Split(allowedMethods[rt.kind], ", "), r.Method) {
		e := fail(http.StatusMethodNotAllowed, "method_not_allowed", "%s is not allowed here; allowed: %s", r.Method, allowedMethods[rt.kind])
		e.header = map[string]string{"Allow": allowedMethods[rt.kind]}
		return rt, e
	}
	tokenHash, aerr := bearerHash(r.Header.Get("Authorization"))
	if aerr != nil {
		return rt, aerr
	}
	ctx := r.Context()
	switch {
	case rt.kind == "head" && r.Method == http.MethodPut:
		return rt, h.put(ctx, w, r, rt.vault, tokenHash)
	case rt.kind == "head":
		return rt, h.get(ctx, w, r, rt.vault, tokenHash, 0)
	case rt.kind == "version":
		return rt, h.get(ctx, w, r, rt.vault, tokenHash, rt.version)
	default:
		return rt, h.delete(ctx, w, rt.vault, tokenHash)
	}
}

// bearerHash checks the Authorization header's form and returns the
// SHA-256 of the token's 32 bytes.
func bearerHash(header string) ([32]byte, *apiError) {
	unauthorized := func(msg string) *apiError {
		e := fail(http.StatusUnauthorized, "unauthorized", "%s", msg)
		e.header = map[string]string{"WWW-Authenticate": `Bearer realm="confidant-sync"`}
		return e
	}
	if header == "" {
		return [32]byte{}, unauthorized("an Authorization: Bearer <token> header is required")
	}
	scheme, tok, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return [32]byte{}, unauthorized("the Authorization header must be: Bearer <token>")
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 32 || len(tok) != 43 {
		return [32]byte{}, unauthorized("the token must be 32 bytes in unpadded base64url (43 characters)")
	}
	return sha256.Sum256(raw), nil
}

// loadHead reads the vault's head record: nil, "" when the vault does not
// exist.
func (h *Handler) loadHead(ctx context.Context, id string) (*headRecord, string, error) {
	data, etag, err := h.cfg.Store.GetRecord(ctx, headKey(id))
	if errors.Is(err, ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	var hr headRecord
	if err := json.Unmarshal(data, &hr); err != nil || hr.Format != 1 || len(hr.Kept) == 0 {
		return nil, "", fmt.Errorf("corrupt head record (%d bytes)", len(data))
	}
	return &hr, etag, nil
}

// authorize checks the token against the record (constant time).
func authorize(hr *headRecord, tokenHash [32]byte) *apiError {
	want, err := hex.DecodeString(hr.TokenHash)
	if err != nil || subtle.ConstantTimeCompare(want, tokenHash[:]) != 1 {
		return fail(http.StatusForbidden, "forbidden", "the token is not valid for this vault")
	}
	return nil
}

var errNoVault = fail(http.StatusNotFound, "vault_not_found", "no such vault (create it with PUT …/head and If-Match: \"0\")")

// open loads the head record, authorizes the token and counts the request
// against the rate limit.
func (h *Handler) open(ctx context.Context, id string, tokenHash [32]byte) (*headRecord, string, *apiError) {
	hr, etag, err := h.loadHead(ctx, id)
	if err != nil {
		return nil, "", h.storeError(err)
	}
	if hr == nil {
		return nil, "", errNoVault
	}
	if e := authorize(hr, tokenHash); e != nil {
		return nil, "", e
	}
	if e := h.limit(ctx, id); e != nil {
		return nil, "", e
	}
	return hr, etag, nil
}

func (h *Handler) storeError(err error) *apiError {
	h.log.Error("sync store error", "error", err.Error()) // the cause is logged, not sent
	return fail(http.StatusInternalServerError, "storage_error", "the store failed; try again later")
}

// limit counts one request in the vault's current fixed window.
func (h *Handler) limit(ctx context.Context, id string) *apiError {
	now := h.cfg.Now()
	win := int64(h.cfg.RateWindow / time.Second)
	if win < 1 {
		win = 1
	}
	window := now.Unix() - now.Unix()%win
	retry := window + win - now.Unix()
	limited := func(after int64) *apiError {
		e := fail(http.StatusTooManyRequests, "rate_limited", "too many requests for this vault; retry in %d s", after)
		e.header = map[string]string{"Retry-After": strconv.FormatInt(after, 10)}
		return e
	}
	for attempt := 0; attempt < 5; attempt++ {
		data, etag, err := h.cfg.Store.GetRecord(ctx, rateKey(id))
		var rr rateRecord
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return h.storeError(err)
		default:
			json.Unmarshal(data, &rr) // a corrupt record restarts the count
		}
		if rr.Window != window {
			rr = rateRecord{Window: window}
		}
		if rr.Count >= h.cfg.RateLimit {
			return limited(retry)
		}
		rr.Count++
		next, _ := json.Marshal(rr)
		_, err = h.cfg.Store.PutRecord(ctx, rateKey(id), next, etag)
		if errors.Is(err, ErrConflict) {
			continue // a concurrent request counted first: count again
		}
		if err != nil {
			return h.storeError(err)
		}
		return nil
	}
	return limited(1) // persistent contention is itself a flood
}

func versionTag(v uint64) string { return `"` + strconv.FormatUint(v, 10) + `"` }

// parseIfMatch reads If-Match: "<n>".
func parseIfMatch(s string) (uint64, *apiError) {
	if s == "" {
		return 0, fail(http.StatusPreconditionRequired, "if_match_required",
			`PUT needs If-Match: "<current version>" ("0" to create the vault)`)
	}
	inner, ok := strings.CutPrefix(s, `"`)
	if ok {
		inner, ok = strings.CutSuffix(inner, `"`)
	}
	v, vok := parseVersion(inner)
	if !ok || !vok {
		return 0, fail(http.StatusBadRequest, "bad_if_match", `If-Match must be a quoted version, e.g. "3" ("0" to create the vault)`)
	}
	return v, nil
}

func (h *Handler) tooLarge() *apiError {
	return fail(http.StatusRequestEntityTooLarge, "too_large", "the blob is larger than this server's limit of %d bytes", h.cfg.MaxBytes)
}

func (h *Handler) conflict(current uint64) *apiError {
	e := fail(http.StatusConflict, "version_conflict",
		"the vault is at version %d, not the expected one; pull, merge and retry with If-Match: \"%d\"", current, current)
	e.version = &current
	return e
}

func (h *Handler) put(ctx context.Context, w http.ResponseWriter, r *http.Request, id string, tokenHash [32]byte) *apiError {
	expected, e := parseIfMatch(r.Header.Get("If-Match"))
	if e != nil {
		return e
	}
	if r.ContentLength > h.cfg.MaxBytes {
		return h.tooLarge() // before reading a byte of the body
	}
	hr, etag, err := h.loadHead(ctx, id)
	if err != nil {
		return h.storeError(err)
	}
	switch {
	case hr == nil && expected != 0:
		return errNoVault
	case hr != nil:
		if e := authorize(hr, tokenHash); e != nil {
			return e
		}
	}
	if e := h.limit(ctx, id); e != nil {
		return e
	}
	if hr != nil && hr.Version != expected {
		return h.conflict(hr.Version)
	}
	next := headRecord{Format: 1, TokenHash: hex.EncodeToString(tokenHash[:]), Version: expected + 1}
	key := blobKey(id, next.Version)
	var body io.Reader = http.NoBody
	if r.Body != nil {
		body = http.MaxBytesReader(w, r.Body, h.cfg.MaxBytes)
	}
	size, err := h.cfg.Store.PutBlob(ctx, key, body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return h.tooLarge()
		}
		return h.storeError(err)
	}
	next.Kept = []kept{{Version: next.Version, Key: key, Size: size}}
	var pruned []kept
	if hr != nil {
		next.Kept = append(next.Kept, hr.Kept...)
		if len(next.Kept) > h.cfg.Keep {
			pruned = next.Kept[h.cfg.Keep:]
			next.Kept = next.Kept[:h.cfg.Keep]
		}
	}
	data, _ := json.Marshal(next)
	if _, err := h.cfg.Store.PutRecord(ctx, headKey(id), data, etag); err != nil {
		h.cfg.Store.Delete(ctx, key) // the loser's blob is never referenced
		if !errors.Is(err, ErrConflict) {
			return h.storeError(err)
		}
		// Lost the race: report the version that won.
		cur, _, lerr := h.loadHead(ctx, id)
		if lerr != nil {
			return h.storeError(lerr)
		}
		if cur == nil {
			return errNoVault
		}
		if e := authorize(cur, tokenHash); e != nil {
			return e
		}
		return h.conflict(cur.Version)
	}
	if len(pruned) > 0 {
		keys := make([]string, len(pruned))
		for i, k := range pruned {
			keys[i] = k.Key
		}
		if err := h.cfg.Store.Delete(ctx, keys...); err != nil {
			h.log.Warn("sync prune failed", "error", err.Error()) // the swap stands; DELETE of the vault sweeps leftovers
		}
	}
	w.Header().Set("ETag", versionTag(next.Version))
	w.Header().Set("X-Confidant-Version", strconv.FormatUint(next.Version, 10))
	writeJSON(w, http.StatusOK, map[string]uint64{"version": next.Version})
	return nil
}

func (h *Handler) get(ctx context.Context, w http.ResponseWriter, r *http.Request, id string, tokenHash [32]byte, version uint64) *apiError {
	for attempt := 0; ; attempt++ {
		hr, _, e := h.open(ctx, id, tokenHash)
		if e != nil {
			return e
		}
		want := hr.Kept[0]
		if version != 0 {
			found := false
			for _, k := range hr.Kept {
				if k.Version == version {
					want, found = k, true
				}
			}
			if !found {
				return fail(http.StatusNotFound, "version_not_kept",
					"version %d is not kept; this vault keeps versions %d to %d", version, hr.Kept[len(hr.Kept)-1].Version, hr.Version)
			}
		}
		tag := versionTag(want.Version)
		if inm := r.Header.Get("If-None-Match"); inm != "" && inm == tag {
			w.Header().Set("ETag", tag)
			w.Header().Set("X-Confidant-Version", strconv.FormatUint(want.Version, 10))
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		body, size, err := h.cfg.Store.GetBlob(ctx, want.Key)
		if errors.Is(err, ErrNotFound) && attempt == 0 {
			continue // pruned between the two reads by a concurrent PUT: read the head again
		}
		if err != nil {
			return h.storeError(err)
		}
		defer body.Close()
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.Header().Set("ETag", tag)
		w.Header().Set("X-Confidant-Version", strconv.FormatUint(want.Version, 10))
		w.WriteHeader(http.StatusOK)
		io.Copy(w, body)
		return nil
	}
}

func (h *Handler) delete(ctx context.Context, w http.ResponseWriter, id string, tokenHash [32]byte) *apiError {
	if _, _, e := h.open(ctx, id, tokenHash); e != nil {
		return e
	}
	// The head first: from then on the vault does not exist, whatever the
	// sweep below leaves if it is interrupted.
	if err := h.cfg.Store.Delete(ctx, headKey(id)); err != nil {
		return h.storeError(err)
	}
	keys, err := h.cfg.Store.List(ctx, vaultPrefix(id))
	if err != nil {
		return h.storeError(err)
	}
	if err := h.cfg.Store.Delete(ctx, keys...); err != nil {
		return h.storeError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
