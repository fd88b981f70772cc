package importer

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzFeed checks, for any input: no panic, and the same records or the
// same error whatever the chunk boundaries (drawn from seed).
func fuzzFeed(f *testing.F, format Format, seeds ...string) {
	for _, fx := range fixtureList {
		if fx.format == format {
			if data, err := os.ReadFile(filepath.Join(fixtures, fx.path)); err == nil {
				f.Add(data, uint64(1))
			}
		}
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint64(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		want, werr := parseAll(format, data)
		r := rand.New(rand.NewPCG(seed, 7))
		sizes := make([]int, 1+r.IntN(8))
		for i := range sizes {
			sizes[i] = 1 + r.IntN(1+len(data)/2)
		}
		got, gerr := parseAll(format, data, sizes...)
		if werr != nil || gerr != nil {
			require.Error(t, werr, "chunks %v failed but whole input did not: %v", sizes, gerr)
			require.Error(t, gerr, "whole input failed but chunks %v did not: %v", sizes, werr)
			require.Equal(t, werr.Error(), gerr.Error(), "chunks %v", sizes)
			return
		}
		require.Equal(t, want, got, "chunks %v", sizes)
		if format != Memories {
			require.True(t, json.Valid(bytes.TrimPrefix(data, bom)), "accepted input that is not JSON")
		}
		for _, tr := range got.Turns {
			require.NoError(t, tr.Validate())
		}
		for _, s := range got.Sessions {
			require.NoError(t, s.Validate())
		}
	})
}

func FuzzFeedChatGPT(f *testing.F) {
	fuzzFeed(f, ChatGPT, `[]`, `[{"id":"a","mapping":{}}]`,
		`[{"id":"a","current_node":"n","create_time":1,"mapping":{"n":{"id":"n","parent":null,"message":{"id":"m","author":{"role":"user"},"content":{"content_type":"text","parts":["hi \"x\" \\"]}}}}}]`,
		`[{"id":"a","mapping":{"n":{"id":"n","parent":"n","children":["n"]}}}]`)
}

func FuzzFeedClaude(f *testing.F) {
	fuzzFeed(f, Claude, `[]`, `[{"uuid":"u","created_at":"2024-01-01T00:00:00Z","chat_messages":[{"uuid":"m","sender":"human","text":"I live in Graz"}]}]`)
}

func FuzzFeedMemories(f *testing.F) {
	fuzzFeed(f, Memories, "a\nb\r\n\n- c", "1. x\n2) y\n", "\ufeff\n")
}
