package engine

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCoreIsPureGo keeps core/ free of host glue: no syscall/js, wazero or
// workers may appear among its dependencies (they belong in wasm/, host/ and
// worker/).
func TestCoreIsPureGo(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	cmd := exec.Command("go", "list", "-deps", "./core/...")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/confidant-dev/confidant/core/engine", "go list must see core")
	for _, d := range deps {
		for _, banned := range []string{"syscall/js", "github.com/tetratelabs/wazero", "github.com/syumai/workers"} {
			require.False(t, d == banned || strings.HasPrefix(d, banned+"/"), "core depends on %s", d)
		}
	}
}
