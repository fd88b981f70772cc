package wasm

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/model"
)

// BenchmarkColdStart is the extension's cold start inside the module, run
// natively: a fresh handler imports the local snapshot of 10,000 turns (the
// shape of extension/test/helpers.mjs's storeTurns) and answers one recall.
// (Its CPU profile, used for profile-guided optimisation, made the module's
// cold start in Chromium slower: RATIONALE.md.)
func BenchmarkColdStart(b *testing.B) {
	words := []string{"garden", "kayak", "budget", "recipe", "flight", "museum", "guitar", "doctor", "coffee", "project",
		"sister", "marathon", "lisbon", "camera", "concert", "piano", "hotel", "lake", "school", "painting"}
	h := NewHandler()
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	var turns []model.Turn
	for i := range 10_000 {
		w := func(k int) string { return words[(i*7+k*13)%len(words)] }
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		turns = append(turns, model.Turn{ID: fmt.Sprintf("t%d", i), Session: fmt.Sprintf("s%d", i/20), Role: role,
			Time: t0.Add(time.Duration(i) * time.Hour),
			Text: fmt.Sprintf("Turn %d: about my %s and the %s, then the %s near the %s; code word zq%d.", i, w(1), w(2), w(3), w(4), i)})
	}
	if _, err := h.E.Ingest(nil, turns); err != nil {
		b.Fatal(err)
	}
	data, err := h.E.ExportLocal()
	if err != nil {
		b.Fatal(err)
	}
	recall := []byte(`{"op":"recall","text":"code word zq7777"}`)
	for b.Loop() {
		h := NewHandler()
		if reply := h.ImportRaw(data); !bytes.HasPrefix(reply, []byte(`{"sessions":`)) {
			b.Fatalf("import: %s", reply)
		}
		if reply := h.Dispatch(recall); !strings.Contains(string(reply), `"id":"t7777"`) {
			b.Fatalf("recall: %.200s", reply)
		}
	}
}
