//go:build unix

package sync_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWorkerd runs the behavioural suite against the real Worker: it builds
// worker/ (worker/build.sh), starts `wrangler dev` (workerd, with R2
// simulated locally in a temporary --persist-to directory) on free ports,
// offline and without a Cloudflare account, waits until the Worker
// answers, runs the suite over HTTP and stops wrangler and workerd.
//
// It needs worker/node_modules (`npm ci` in worker/; test.sh does it) and
// fails, not skips, without it.
func TestWorkerd(t *testing.T) {
	workerDir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	wrangler := filepath.Join(workerDir, "node_modules", ".bin", "wrangler")
	if _, err := os.Stat(wrangler); err != nil {
		t.Fatalf("worker/node_modules is missing (%v): run `npm ci` in worker/ first (test.sh does)", err)
	}
	build := exec.Command("bash", filepath.Join(workerDir, "build.sh"))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("worker/build.sh: %v\n%s", err, out)
	} else {
		t.Logf("%s", strings.TrimSpace(string(out)))
	}

	port, inspector := freePort(t), freePort(t)
	const maxBytes, keep, rate = 4096, 3, 30
	cmd := exec.Command(wrangler, "dev", "--ip", "127.0.0.1", "--port", strconv.Itoa(port),
		"--inspector-port", strconv.Itoa(inspector), "--persist-to", t.TempDir(),
		"--show-interactive-dev-session=false", "--log-level", "log",
		"--var", "MAX_BYTES:"+strconv.Itoa(maxBytes), "--var", "KEEP:"+strconv.Itoa(keep),
		"--var", "RATE_LIMIT:"+strconv.Itoa(rate), "--var", "ALLOWED_ORIGINS:"+testOrigin)
	cmd.Dir = workerDir
	home := t.TempDir() // wrangler's config, logs and caches: nothing of the user's
	cmd.Env = append(cleanEnv(), "WRANGLER_SEND_METRICS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false",
		"CI=true", "NO_COLOR=1", "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // wrangler starts workerd: stop the group
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting wrangler dev: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("wrangler dev output:\n%s", out.String())
		}
	})

	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		// The Worker itself answers an unknown path with its JSON 404.
		r, err := http.Get(url + "/ready")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == 404 && r.Header.Get("Content-Type") == "application/json" {
				break
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("wrangler dev exited before it was ready (%v):\n%s", err, out.String())
		case <-ctx.Done():
			t.Fatalf("wrangler dev not ready after 90 s:\n%s", out.String())
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Logf("wrangler dev ready in %v", time.Since(start).Round(time.Millisecond))

	runSuite(t, target{url: url, maxBytes: maxBytes, keep: keep, rateLimit: rate, origin: testOrigin,
		logs: out.String, urlsInLog: true})
	if strings.Contains(out.String(), "level=ERROR") {
		t.Errorf("the Worker logged errors:\n%s", out.String())
	}
}

// cleanEnv is the environment without Cloudflare credentials: the test runs
// offline and must never reach an account.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "CLOUDFLARE_") || strings.HasPrefix(k, "CF_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
