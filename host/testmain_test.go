package host_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/confidant-dev/confidant/host"
	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	buildErr  error
	wasmFile  string
	rtOnce    sync.Once
	rt        *host.Runtime
	rtErr     error
)

// repoRoot finds the module root from this file's location.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// builtWasm builds dist/confidant.wasm with build.sh (the one place that
// sets GOOS/GOARCH) once per test binary, so tests never run a stale module.
func builtWasm(t testing.TB) string {
	buildOnce.Do(func() {
		root := repoRoot()
		cmd := exec.Command(filepath.Join(root, "build.sh"), "wasm")
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("build.sh wasm: %s", out)
		}
		wasmFile = filepath.Join(root, "dist", "confidant.wasm")
	})
	require.NoError(t, buildErr, "building the engine module")
	return wasmFile
}

// runtimeForTests compiles the module once per test binary (with a cache
// in the OS temp dir so repeated runs are fast).
func runtimeForTests(t testing.TB) *host.Runtime {
	p := builtWasm(t)
	rtOnce.Do(func() {
		rt, rtErr = host.LoadRuntime(context.Background(), p, filepath.Join(os.TempDir(), "confidant-test-wazero"))
	})
	require.NoError(t, rtErr)
	return rt
}

// engines are the two ways to run the engine; every behavioural test runs
// against both.
var engines = map[string]func(t *testing.T) host.Client{
	"native": func(t *testing.T) host.Client { return host.Client{C: host.NewNative()} },
	"wasm": func(t *testing.T) host.Client {
		inst, err := runtimeForTests(t).Instance(context.Background())
		require.NoError(t, err)
		t.Cleanup(func() { inst.Close(context.Background()) })
		return host.Client{C: inst}
	},
}

// forEachEngine runs fn as a subtest per engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, c host.Client)) {
	for _, name := range []string{"native", "wasm"} {
		t.Run(name, func(t *testing.T) { fn(t, engines[name](t)) })
	}
}
