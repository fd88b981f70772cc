package wasm

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seeds are valid requests for every op, used as fuzz seeds and to check
// that each op answers without an error.
var seeds = []string{
	`{"op":"version"}`,
	`{"op":"ingest","sessions":[{"id":"s1","site":"claude","start":"2024-01-02T10:00:00Z"}],"turns":[{"id":"t1","session":"s1","role":"user","text":"I moved to Lisbon and I love sushi.","time":"2024-01-02T10:00:00Z"},{"id":"t2","session":"s1","role":"assistant","text":"Lisbon has great sushi.","time":"2024-01-02T10:00:05Z"}]}`,
	`{"op":"recall","text":"where do I live?","time":"2024-02-01T00:00:00Z","k":5}`,
	`{"op":"recall","text":"sushi","unit":"session","all":true}`,
	`{"op":"context","text":"suggest a sushi restaurant","budget":200}`,
	`{"op":"facts.list","superseded":true}`,
	`{"op":"sessions.list","site":"claude","from":"2024-01-01T00:00:00Z","to":"2024-02-01T00:00:00Z","query":"lisbon","limit":10}`,
	`{"op":"sessions.get","id":"s1","limit":1,"offset":1}`,
	`{"op":"stats"}`,
	`{"op":"settings.get"}`,
	`{"op":"settings.set","token_budget":400,"max_memories":4,"consent":["health"]}`,
	`{"op":"snapshot.export"}`,
	`{"op":"import.begin","format":"memories"}`,
	`{"op":"import.feed","import":1,"data":"TGl2ZXMgaW4gTGlzYm9uLgo="}`,
	`{"op":"import.end","import":1}`,
	`{"op":"import.begin","format":"chatgpt"}`,
	`{"op":"import.cancel","import":2}`,
	`{"op":"forget","turn":"t2"}`,
	`{"op":"forget","session":"s1"}`,
	`{"op":"forget","all":true}`,
}

func TestEveryOpAnswers(t *testing.T) {
	h := NewHandler()
	// Import ids are drawn at random: the seeds' placeholder ids become
	// the one the last import.begin returned.
	importID := regexp.MustCompile(`"import":\d+`)
	last := ""
	for _, req := range seeds {
		if last != "" {
			req = importID.ReplaceAllString(req, last)
		}
		reply := h.Dispatch([]byte(req))
		assert.NotContains(t, string(reply), `"error"`, req)
		if strings.Contains(req, `"import.begin"`) {
			last = importID.FindString(string(reply))
		}
	}
}

// TestImportIDsDoNotRepeat: a restarted engine (a new service worker) must
// not hand out the ids of imports a page may still be feeding to the engine
// that was stopped; ids are drawn at random, never 0, never one in use.
func TestImportIDsDoNotRepeat(t *testing.T) {
	var ids []uint32
	for range 20 {
		h := NewHandler()
		for range MaxImports {
			v, err := h.importBegin(&ImportBeginRequest{Format: "memories"})
			require.NoError(t, err)
			ids = append(ids, v.(ImportBeginReply).Import)
		}
	}
	seen := map[uint32]bool{}
	for _, id := range ids {
		require.NotZero(t, id)
		require.False(t, seen[id], "id %d repeated", id)
		seen[id] = true
	}
}

// TestOpsAreDocumented keeps the schema table in the package doc in step
// with the op map.
func TestOpsAreDocumented(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "ops.go", nil, parser.ParseComments)
	require.NoError(t, err)
	doc := f.Doc.Text()
	var documented []string
	for _, m := range regexp.MustCompile(`(?m)^\s*([a-z]+(?:\.[a-z]+)?)\s{2,}`).FindAllStringSubmatch(doc, -1) {
		if m[1] != "op" {
			documented = append(documented, m[1])
		}
	}
	ops := Ops()
	slices.Sort(ops)
	slices.Sort(documented)
	assert.Equal(t, ops, documented, "every op must have a row in the package doc's schema table")
}

func TestExportImportRoundTrip(t *testing.T) {
	h := NewHandler()
	require.NotContains(t, string(h.Dispatch([]byte(seeds[1]))), "error")
	var snap SnapshotData
	require.NoError(t, json.Unmarshal(h.Dispatch([]byte(`{"op":"snapshot.export"}`)), &snap))
	require.NotEmpty(t, snap.Data)
	req, _ := json.Marshal(SnapshotData{Op: "snapshot.import", Data: snap.Data})
	h2 := NewHandler()
	reply := h2.Dispatch(req)
	assert.Contains(t, string(reply), `"turns":2`)
}

// FuzzDispatch: no request makes the engine panic or answer with anything
// but a JSON object; malformed input is a bad_request/invalid/not_found
// error, never "internal".
func FuzzDispatch(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"op":"ingest","turns":[{"id":"","session":"s","role":"user","text":"x","time":"2024-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"op":"snapshot.import","data":"Q0ZEUwEA"}`))
	h := NewHandler()
	h.Dispatch([]byte(seeds[1]))
	f.Fuzz(func(t *testing.T, req []byte) {
		reply := h.Dispatch(req)
		var v map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(reply, &v), "reply must be a JSON object: %s", reply)
		if e, ok := v["error"]; ok {
			var er Error
			require.NoError(t, json.Unmarshal(e, &er))
			require.NotEqual(t, CodeInternal, er.Code, "request %q caused an internal error: %s", req, er.Message)
			require.NotEmpty(t, strings.TrimSpace(er.Message))
		}
	})
}
