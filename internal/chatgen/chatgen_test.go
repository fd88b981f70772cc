package chatgen

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeterministicAndWellFormed(t *testing.T) {
	for name, gen := range map[string]func(*bytes.Buffer, Options) (Stats, error){
		"chatgpt": func(b *bytes.Buffer, o Options) (Stats, error) { return ChatGPT(b, o) },
		"claude":  func(b *bytes.Buffer, o Options) (Stats, error) { return Claude(b, o) },
	} {
		var a, b bytes.Buffer
		sa, err := gen(&a, Options{Seed: 4, Conversations: 20})
		require.NoError(t, err)
		sb, err := gen(&b, Options{Seed: 4, Conversations: 20})
		require.NoError(t, err)
		assert.Equal(t, a.Bytes(), b.Bytes(), name)
		assert.Equal(t, sa, sb)
		assert.Equal(t, int64(a.Len()), sa.Bytes)
		assert.Equal(t, 20, sa.Conversations)
		assert.True(t, json.Valid(a.Bytes()), name)
		assert.Greater(t, sa.Turns, 40)

		var big bytes.Buffer
		st, err := gen(&big, Options{Seed: 4, TargetBytes: 1 << 20})
		require.NoError(t, err)
		assert.GreaterOrEqual(t, st.Bytes, int64(1<<20), "TargetBytes is reached")
		assert.Less(t, st.Bytes, int64(1<<20)+200<<10)
	}
	var m bytes.Buffer
	st, err := Memories(&m, 1, 10)
	require.NoError(t, err)
	assert.Positive(t, st.Facts)
}
