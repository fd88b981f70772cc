package host_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/wasm"
	confsync "github.com/confidant-dev/confidant/worker/sync"
)

const marker = "ZEBRA-PLAINTEXT-MARKER-7731"

// capture records every request and response body the server sees.
type capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

type teeWriter struct {
	http.ResponseWriter
	c *capture
}

func (w teeWriter) Write(b []byte) (int, error) {
	w.c.mu.Lock()
	w.c.buf.Write(b)
	w.c.mu.Unlock()
	return w.ResponseWriter.Write(b)
}

func syncServer(t *testing.T) (*httptest.Server, *capture) {
	store, err := confsync.NewFileStore(t.TempDir())
	require.NoError(t, err)
	h := confsync.NewHandler(confsync.Config{Store: store, RateLimit: 100000})
	c := &capture{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			c.mu.Lock()
			c.buf.Write(b)
			c.mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		h.ServeHTTP(teeWriter{w, c}, r)
	}))
	t.Cleanup(srv.Close)
	return srv, c
}

func wasmDevice(t *testing.T) host.Client { return engines["wasm"](t) }

// pairedDevices returns two engines (through the .wasm) in one vault: a set
// it up (setup is its reply), b joined with its recovery code.
func pairedDevices(t *testing.T) (a, b host.Client, setup wasm.SyncSetupReply) {
	t.Helper()
	ctx := context.Background()
	a, b = wasmDevice(t), wasmDevice(t)
	setup, err := a.SyncSetup(ctx)
	require.NoError(t, err)
	_, err = b.SyncJoin(ctx, setup.RecoveryCode)
	require.NoError(t, err)
	return a, b, setup
}

func say(t *testing.T, c host.Client, sess, id, text string, at time.Time) {
	t.Helper()
	_, err := c.Ingest(context.Background(), nil, []model.Turn{{ID: id, Session: sess, Role: model.RoleUser, Text: text, Time: at}})
	require.NoError(t, err)
}

func hashOf(t *testing.T, c host.Client) string {
	h, err := c.StateHash(context.Background())
	require.NoError(t, err)
	return h
}

func syncOK(t *testing.T, c host.Client, url string) host.SyncReport {
	t.Helper()
	rep, err := c.Sync(context.Background(), nil, url)
	require.NoError(t, err)
	return rep
}

func wasmCode(err error) string {
	var we *wasm.Error
	if errors.As(err, &we) {
		return we.Code
	}
	return ""
}

// TestSyncDevicesConverge: three devices (separate .wasm instances) join
// one vault, edit concurrently and offline, and converge; the traffic holds
// no plaintext.
func TestSyncDevicesConverge(t *testing.T) {
	ctx := context.Background()
	srv, capt := syncServer(t)
	t0 := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	a, b, c := wasmDevice(t), wasmDevice(t), wasmDevice(t)
	setup, err := a.SyncSetup(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, setup.RecoveryCode)
	for _, d := range []host.Client{b, c} {
		j, err := d.SyncJoin(ctx, setup.RecoveryCode)
		require.NoError(t, err)
		require.Equal(t, setup.Vault, j.Vault)
	}
	say(t, a, "s1", "a1", "I live in Lisbon and my dog is called "+marker, t0)
	require.True(t, syncOK(t, a, srv.URL).Pushed)
	syncOK(t, b, srv.URL)
	syncOK(t, c, srv.URL)
	require.Equal(t, hashOf(t, a), hashOf(t, b))

	// Offline and concurrent edits on all three.
	say(t, a, "s2", "a2", "I started learning the cello "+marker, t0.Add(time.Hour))
	require.NoError(t, b.Forget(ctx, wasm.ForgetRequest{Session: "s1"}))
	say(t, b, "s3", "b1", "My sister Ana is visiting in June", t0.Add(2*time.Hour))
	say(t, c, "s1", "c1", "Rex loves the beach", t0.Add(3*time.Hour)) // into the session b deletes
	_, err = c.SetSettings(ctx, model.Settings{TokenBudget: 500, MaxMemories: 7})
	require.NoError(t, err)
	for round := 0; round < 2; round++ {
		for _, d := range []host.Client{c, a, b} {
			syncOK(t, d, srv.URL)
		}
	}
	h := hashOf(t, a)
	require.Equal(t, h, hashOf(t, b))
	require.Equal(t, h, hashOf(t, c))
	st, err := a.Stats(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, st.Turns, "s1 (and c's late turn in it) deleted; a2 and b1 kept")
	set, err := b.Settings(ctx)
	require.NoError(t, err)
	require.Equal(t, 500, set.TokenBudget)
	for _, d := range []host.Client{a, b, c} {
		hits, err := d.Recall(ctx, engine.RecallRequest{Text: "when is my sister visiting?", K: 3})
		require.NoError(t, err)
		require.NotEmpty(t, hits)
		require.Equal(t, "b1", hits[0].ID)
	}
	capt.mu.Lock()
	defer capt.mu.Unlock()
	require.NotZero(t, capt.buf.Len())
	require.False(t, bytes.Contains(capt.buf.Bytes(), []byte(marker)), "plaintext in the traffic")
	require.False(t, bytes.Contains(capt.buf.Bytes(), []byte("Lisbon")), "plaintext in the traffic")
}

// TestSyncRacingPushes: two devices seal on the same head; exactly one
// PUT wins, the other gets 409, and its next Sync merges and wins.
func TestSyncRacingPushes(t *testing.T) {
	ctx := context.Background()
	srv, _ := syncServer(t)
	t0 := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	a, b, setup := pairedDevices(t)
	syncOK(t, a, srv.URL)
	syncOK(t, b, srv.URL)
	say(t, a, "s1", "a1", "I run marathons", t0)
	say(t, b, "s2", "b1", "I grow tomatoes", t0)

	put := func(c host.Client) int {
		s, err := c.SyncSeal(ctx)
		require.NoError(t, err)
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/v1/vaults/"+setup.Vault+"/head", bytes.NewReader(s.Blob))
		req.Header.Set("Authorization", "Bearer "+setup.Token)
		req.Header.Set("If-Match", fmt.Sprintf("%q", fmt.Sprint(s.Parent)))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			_, err := c.SyncCommit(ctx, s.Version, s.Hash)
			require.NoError(t, err)
		}
		return resp.StatusCode
	}
	var codes [2]int
	var wg sync.WaitGroup
	for i, c := range []host.Client{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i] = put(c) }()
	}
	wg.Wait()
	require.ElementsMatch(t, []int{200, 409}, codes[:], "exactly one push wins")
	for _, c := range []host.Client{a, b} {
		syncOK(t, c, srv.URL)
	}
	syncOK(t, a, srv.URL)
	require.Equal(t, hashOf(t, a), hashOf(t, b))

	// Concurrent full syncs both succeed (the loser retries).
	say(t, a, "s3", "a2", "I play chess", t0.Add(time.Hour))
	say(t, b, "s4", "b2", "I bake bread", t0.Add(time.Hour))
	errs := make(chan error, 2)
	for _, c := range []host.Client{a, b} {
		go func() { _, err := c.Sync(ctx, nil, srv.URL); errs <- err }()
	}
	require.NoError(t, <-errs)
	require.NoError(t, <-errs)
	syncOK(t, a, srv.URL)
	syncOK(t, b, srv.URL)
	require.Equal(t, hashOf(t, a), hashOf(t, b))
}

// TestSyncRefusesReplayTamperAndSwap: an older blob, a modified blob and a
// blob of another vault are refused with their own errors, and the local
// data does not change.
func TestSyncRefusesReplayTamperAndSwap(t *testing.T) {
	ctx := context.Background()
	srv, _ := syncServer(t)
	t0 := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	a, b, setup := pairedDevices(t)
	say(t, a, "s1", "a1", "first", t0)
	syncOK(t, a, srv.URL)
	get := func(path string) []byte {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/vaults/"+setup.Vault+path, nil)
		req.Header.Set("Authorization", "Bearer "+setup.Token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		body, _ := io.ReadAll(resp.Body)
		return body
	}
	v1 := get("/versions/1")
	say(t, a, "s1", "a2", "second", t0.Add(time.Hour))
	syncOK(t, a, srv.URL)
	syncOK(t, b, srv.URL)
	before := hashOf(t, b)

	_, err := b.SyncOpen(ctx, v1, 1)
	require.Equal(t, wasm.CodeRollback, wasmCode(err), "%v", err)

	head := get("/head")
	bad := bytes.Clone(head)
	bad[len(bad)/2] ^= 1
	_, err = b.SyncOpen(ctx, bad, 2)
	require.Equal(t, wasm.CodeTampered, wasmCode(err), "%v", err)

	_, err = b.SyncOpen(ctx, head, 99)
	require.Equal(t, wasm.CodeVersionMismatch, wasmCode(err), "%v", err)

	other := wasmDevice(t)
	_, err = other.SyncSetup(ctx)
	require.NoError(t, err)
	say(t, other, "x", "x1", "another vault", t0)
	s, err := other.SyncSeal(ctx)
	require.NoError(t, err)
	_, err = b.SyncOpen(ctx, s.Blob, s.Version)
	require.Equal(t, wasm.CodeWrongKey, wasmCode(err), "%v", err)

	require.Equal(t, before, hashOf(t, b), "local data unchanged")
	st, err := b.Stats(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, st.Turns)
}

// TestSync10k measures a 10,000-turn profile's sync through the .wasm:
// seal and upload on one device, download, open and merge on another.
func TestSync10k(t *testing.T) {
	if testing.Short() {
		t.Skip("10k-turn sync")
	}
	ctx := context.Background()
	srv, _ := syncServer(t)
	a, b, _ := pairedDevices(t)
	turns := genTurns(10000)
	raw := 0
	for i := 0; i < len(turns); i += 2000 {
		_, err := a.Ingest(ctx, nil, turns[i:i+2000])
		require.NoError(t, err)
	}
	for _, tr := range turns {
		raw += len(tr.Text)
	}
	start := time.Now()
	s, err := a.SyncSeal(ctx)
	require.NoError(t, err)
	sealT := time.Since(start)
	size := len(s.Blob)
	// Let Sync do the PUT (it seals again; the blob size is the same).
	start = time.Now()
	require.True(t, syncOK(t, a, srv.URL).Pushed)
	push := time.Since(start)
	start = time.Now()
	rep := syncOK(t, b, srv.URL)
	pull := time.Since(start)
	require.NotNil(t, rep.Opened)
	require.Equal(t, hashOf(t, a), hashOf(t, b))
	t.Logf("10k turns: raw text %d bytes, sealed %d bytes (%.1f%%); seal %v; sync push (seal+PUT) %v; sync pull (GET+open+merge) %v; total %v",
		raw, size, 100*float64(size)/float64(raw), sealT, push, pull, push+pull)
	require.LessOrEqual(t, float64(size), 0.35*float64(raw), "sealed size")
	require.Less(t, push+pull, 4*time.Second, "sync time (target 2 s)")
}

func genTurns(n int) []model.Turn {
	words := strings.Fields("the a I my we you it dog cat trip home work coffee tea garden lake city friend family " +
		"weekend plan book movie music dinner recipe bike run hike camera phone budget school class project meeting " +
		"doctor visit flight hotel beach museum concert game team coach season painting guitar piano birthday gift " +
		"morning evening quickly really maybe because although sometimes usually weather rain sunny cold warm")
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]model.Turn, n)
	x := uint64(88172645463325252)
	next := func() uint64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
	for i := range out {
		var sb strings.Builder
		for j := 0; j < 20+int(next()%60); j++ {
			sb.WriteString(words[int(next()%uint64(len(words)))])
			sb.WriteByte(' ')
		}
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		out[i] = model.Turn{ID: fmt.Sprintf("t%06d", i), Session: fmt.Sprintf("s%05d", i/12), Role: role, Text: sb.String(),
			Time: t0.Add(time.Duration(i) * time.Minute)}
	}
	return out
}
