package host_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/confidant-dev/confidant/host"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shipped module is pre-initialised (internal/preinit); build.sh keeps
// the module from before that as dist/confidant.plain.wasm. These tests
// hold the two to the same behaviour.

func plainRuntime(t *testing.T) *host.Runtime {
	builtWasm(t)
	rt, err := host.LoadRuntime(context.Background(), filepath.Join(repoRoot(), "dist", "confidant.plain.wasm"),
		filepath.Join(os.TempDir(), "confidant-test-wazero"))
	require.NoError(t, err)
	t.Cleanup(func() { rt.Close(context.Background()) })
	return rt
}

// replies runs one script of requests on a fresh engine and returns every
// reply as it came.
func replies(t *testing.T, rt *host.Runtime) []string {
	ctx := context.Background()
	inst, err := rt.Instance(ctx)
	require.NoError(t, err)
	defer inst.Close(ctx)
	c := host.Client{C: inst}
	_, err = importFile(t, c, "chatgpt", fixture("chatgpt", "conversations.json"), 4096)
	require.NoError(t, err)
	var out []string
	for _, req := range []string{
		`{"op":"stats"}`,
		`{"op":"ingest","turns":[{"id":"p1","session":"s-p","role":"user","time":"2024-05-02T10:00:00Z","text":"I moved to Lisbon last spring and I am allergic to peanuts."}]}`,
		`{"op":"recall","text":"which podcast editing tools did we talk about?","time":"2024-06-01T00:00:00Z"}`,
		`{"op":"recall","text":"where do I live","time":"2024-06-01T00:00:00Z","unit":"session"}`,
		`{"op":"context","text":"any restaurant tips near me?","time":"2024-06-01T00:00:00Z"}`,
		`{"op":"facts.list"}`,
		`{"op":"sessions.list"}`,
		`{"op":"recall","text":"` + "\x01" + `"}`, // an error reply
	} {
		reply, err := inst.Call(ctx, []byte(req))
		require.NoError(t, err)
		out = append(out, string(reply))
	}
	return out
}

func TestPreinitialisedModuleAnswersAsPlain(t *testing.T) {
	plain := replies(t, plainRuntime(t))
	pre := replies(t, runtimeForTests(t))
	assert.Equal(t, plain, pre)
	assert.Contains(t, pre[2], `"id"`, "the script's recall found memories (a script that finds nothing proves little)")
}

// TestEnginesDrawDifferentIDs: every engine starts from the same snapshot,
// so anything that must differ between engine lifetimes has to come from
// the host's randomness, not from the runtime's generator.
func TestEnginesDrawDifferentIDs(t *testing.T) {
	ctx := context.Background()
	var ids []uint32
	for range 2 {
		inst, err := runtimeForTests(t).Instance(ctx)
		require.NoError(t, err)
		id, err := host.Client{C: inst}.ImportBegin(ctx, "chatgpt")
		require.NoError(t, err)
		ids = append(ids, id)
		inst.Close(ctx)
	}
	assert.NotEqual(t, ids[0], ids[1], "two engines handed out the same import id")
}
