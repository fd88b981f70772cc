package wasm

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// quickRequests: requests a host sends (the quick path must take these)
// and requests of other shapes (it may leave them to encoding/json).
var quickRequests = []struct {
	req   string
	quick bool
}{
	{`{"op":"recall","text":"code word zq7777"}`, true},
	{` { "op" : "recall" , "text" : "a\"b\\c\/d\b\f\n\r\t\u00e9\u20ac" , "k" : 5 } `, true},
	{`{"text":"emoji 🌍 and ñ","op":"recall","time":"2024-02-01T10:00:00.5+02:00","unit":"session","role":"user","method":"bm25","disable":["recency",""],"all":true,"k":-3}`, true},
	{`{"op":"recall","text":"x","disable":[]}`, true},
	{`{"op":"context","text":"suggest a sushi place","budget":200,"exclude":["f1","t2"],"time":"2024-01-01T00:00:00Z"}`, true},
	{`{"op":"context","text":""}`, true},
	{`{"op":"recall","text":"<script>&</script>"}`, true},
	// Left to encoding/json.
	{`{"op":"recall","text":"\ud83c\udf0d"}`, false},           // a surrogate pair
	{`{"op":"recall","text":"\ud800"}`, false},                 // a lone surrogate
	{"{\"op\":\"recall\",\"text\":\"bad \xff utf-8\"}", false}, // replaced by encoding/json
	{`{"op":"recall","Text":"case"}`, false},                   // matched case-insensitively there
	{`{"op":"recall","text":"a","text":"b"}`, false},           // a duplicate key
	{`{"op":"recall","text":"a","extra":1}`, false},            // refused there
	{`{"op":"recall","text":"a","budget":3}`, false},           // context's key
	{`{"op":"context","text":"a","k":3}`, false},               // recall's key
	{`{"op":"recall","text":"a","k":1.0}`, false},
	{`{"op":"recall","text":"a","k":1e2}`, false},
	{`{"op":"recall","text":"a","k":01}`, false},
	{`{"op":"recall","text":"a","k":99999999999999999999}`, false},
	{`{"op":"recall","text":null}`, false},
	{`{"op":"recall","text":"a","time":"yesterday"}`, false},
	{`{"op":"recall","text":"a"} x`, false},
	{`{"op":"recall","text":"a",}`, false},
	{`{"op":"stats"}`, false},
	{`{"op":"recall","text":"tab	inside"}`, false}, // a raw control character
	{`[]`, false},
	{``, false},
}

// sameAsJSON checks what parseQuick made of req against encoding/json's
// decode of the same bytes.
func sameAsJSON(t *testing.T, req []byte) bool {
	q, ok := parseQuick(req)
	if !ok {
		return false
	}
	switch q.op {
	case "recall":
		var want RecallRequest
		require.NoError(t, decode(req, &want), "the quick path took %q, which encoding/json refuses", req)
		assert.Equal(t, want, q.recall, "%q", req)
	case "context":
		var want ContextRequest
		require.NoError(t, decode(req, &want), "the quick path took %q, which encoding/json refuses", req)
		assert.Equal(t, want, q.context, "%q", req)
	default:
		t.Fatalf("the quick path took op %q", q.op)
	}
	return true
}

func TestQuickRequestsDecodeAsJSON(t *testing.T) {
	for _, c := range quickRequests {
		took := sameAsJSON(t, []byte(c.req))
		if c.quick {
			assert.True(t, took, "the quick path should take %q", c.req)
		}
	}
}

func FuzzQuickRequest(f *testing.F) {
	for _, c := range quickRequests {
		f.Add([]byte(c.req))
	}
	f.Fuzz(func(t *testing.T, req []byte) { sameAsJSON(t, req) })
}

// randomText mixes what JSON escaping treats specially.
func randomText(r *rand.Rand) string {
	parts := []string{"a", "Lisbon ", "<", ">", "&", `"`, `\`, "\n", "\t", "\b", "\f", "\x01", "\x1f", "\x7f",
		"é", "€", "🌍", "\u2028", "\u2029", "\xff", "\xe2\x82", "\ufffd", " "}
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(parts[r.IntN(len(parts))])
	}
	return b.String()
}

func randomFloat(r *rand.Rand) float64 {
	switch r.IntN(5) {
	case 0:
		return 0
	case 1:
		return r.Float64() * math.Pow(10, float64(r.IntN(60)-30))
	case 2:
		return -r.Float64() * math.Pow(10, float64(r.IntN(60)-30))
	case 3:
		return float64(r.IntN(100))
	}
	return math.Float64frombits(r.Uint64()) // any bit pattern, NaN and infinities included
}

func randomStrings(r *rand.Rand) []string {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+r.IntN(3))
	for i := range out {
		out[i] = randomText(r)
	}
	return out
}

// sameReply checks encodeReply against json.Marshal: the same bytes, or
// (ok false) a value json.Marshal refuses too.
func sameReply(t *testing.T, res any) {
	got, ok := encodeReply(res)
	want, err := json.Marshal(res)
	if !ok {
		assert.Error(t, err, "the quick path refused %#v, which json.Marshal writes", res)
		return
	}
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

func TestQuickRepliesEncodeAsJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+1800), time.FixedZone("", -7*3600)}
	for range 3000 {
		var hits []engine.Hit
		if r.IntN(8) > 0 {
			hits = make([]engine.Hit, r.IntN(4))
		}
		for i := range hits {
			hits[i] = engine.Hit{ID: randomText(r), Session: randomText(r), Role: randomText(r), Score: randomFloat(r),
				Text: randomText(r), Why: randomStrings(r),
				Time: time.Unix(r.Int64N(1<<40)-1<<39, r.Int64N(1e9)).In(zones[r.IntN(len(zones))])}
		}
		sameReply(t, RecallReply{Hits: hits})
		var items []engine.ContextItem
		if r.IntN(8) > 0 {
			items = make([]engine.ContextItem, r.IntN(4))
		}
		for i := range items {
			items[i] = engine.ContextItem{Kind: randomText(r), ID: randomText(r), Text: randomText(r), Date: randomText(r),
				Category: model.Category(randomText(r)), Why: randomStrings(r)}
		}
		sameReply(t, engine.ContextReply{Text: randomText(r), Items: items, Tokens: r.IntN(1000) - 10})
	}
	for _, f := range []float64{1e-7, 1e-6, 1e20, 1e21, 123456789, -0.0000012, 5e-324, math.MaxFloat64} {
		sameReply(t, RecallReply{Hits: []engine.Hit{{ID: "t", Score: f}}})
	}
	_, ok := encodeReply(RecallReply{Hits: []engine.Hit{{ID: "t", Score: math.NaN()}}})
	assert.False(t, ok, "NaN is refused, as json.Marshal refuses it")
	_, ok = encodeReply(RecallReply{Hits: []engine.Hit{{ID: "t", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}})
	assert.False(t, ok, "a year past 9999 is refused, as json.Marshal refuses it")
}

func TestQuickStatsEncodeAsJSON(t *testing.T) {
	s := engine.Stats{Sessions: 3, Turns: 10000, UserTurns: 5000, Facts: 0, CurrentFacts: -1, Terms: 1 << 40}
	want, err := json.Marshal(s)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(appendStats(nil, s)))
}

func FuzzQuickReply(f *testing.F) {
	f.Add("Lisbon <b>&amp;</b>", "\u2028\xff", 0.5, int64(1700000000))
	f.Add("", "é🌍", 1e-7, int64(-62135596800))
	f.Fuzz(func(t *testing.T, a, b string, score float64, sec int64) {
		sameReply(t, RecallReply{Hits: []engine.Hit{{ID: a, Session: b, Text: a + b, Why: []string{b, a},
			Score: score, Time: time.Unix(sec, 0).UTC()}}})
		sameReply(t, engine.ContextReply{Text: b, Items: []engine.ContextItem{{Kind: a, ID: b, Text: a, Date: b,
			Category: model.Category(a), Why: []string{a}}}})
	})
}

// TestQuickDispatchSameAsJSON: on a store with memories, every request
// answers the same through Dispatch (quick where it can) as through
// encoding/json alone.
func TestQuickDispatchSameAsJSON(t *testing.T) {
	h := NewHandler()
	require.NotContains(t, string(h.Dispatch([]byte(seeds[1]))), `"error"`)
	reqs := append([]string{
		`{"op":"recall","text":"where do I live?","time":"2024-02-01T00:00:00Z"}`,
		`{"op":"recall","text":"sushi","unit":"session","all":true,"time":"2024-02-01T00:00:00Z"}`,
		`{"op":"context","text":"suggest a sushi restaurant in Lisbon","time":"2024-02-01T00:00:00Z"}`,
		`{"op":"recall","text":"sushi","unit":"week"}`,
		`{"op":"context","text":"sushi","budget":-1}`,
	}, seeds...)
	answered := 0
	for _, req := range reqs {
		if strings.Contains(req, `"op":"recall"`) || strings.Contains(req, `"op":"context"`) {
			quick, ok := h.quick([]byte(req))
			require.True(t, ok, "the quick path should take %s", req)
			assert.Equal(t, string(h.dispatchJSON([]byte(req))), string(quick), "%s", req)
			if strings.Contains(string(quick), `"id"`) {
				answered++
			}
		}
	}
	assert.GreaterOrEqual(t, answered, 3, "the requests found memories (comparing empty replies proves little)")
}
