package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/confidant-dev/confidant/host"
)

// common are the flags every command that touches a profile accepts.
type common struct {
	store  string
	wasm   string
	native bool
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.store, "store", defaultStore(), "profile file (env CONFIDANT_STORE)")
	fs.StringVar(&c.wasm, "wasm", "", "engine module (default: confidant.wasm beside the binary, then dist/confidant.wasm)")
	fs.BoolVar(&c.native, "native", false, "run the engine natively instead of through the .wasm")
}

func defaultStore() string {
	if s := os.Getenv("CONFIDANT_STORE"); s != "" {
		return s
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "confidant", "profile.cfds")
	}
	return "confidant-profile.cfds"
}

func cacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "confidant", "wazero")
	}
	return ""
}

// wasmPath finds the engine module.
func (c *common) wasmPath() (string, error) {
	if c.wasm != "" {
		return c.wasm, nil
	}
	var tried []string
	if exe, err := os.Executable(); err == nil {
		tried = append(tried, filepath.Join(filepath.Dir(exe), "confidant.wasm"))
	}
	tried = append(tried, filepath.Join("dist", "confidant.wasm"))
	for _, p := range tried {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("engine module not found (looked at %v); run ./build.sh, pass --wasm, or use --native", tried)
}

// engines opens n independent engines (n > 1 for parallel benchmarks).
// The returned close function releases them.
func (c *common) engines(ctx context.Context, n int) ([]host.Client, func(), error) {
	if c.native {
		out := make([]host.Client, n)
		for i := range out {
			out[i] = host.Client{C: host.NewNative()}
		}
		return out, func() {}, nil
	}
	p, err := c.wasmPath()
	if err != nil {
		return nil, nil, err
	}
	rt, err := host.LoadRuntime(ctx, p, cacheDir())
	if err != nil {
		return nil, nil, err
	}
	out := make([]host.Client, n)
	for i := range out {
		inst, err := rt.Instance(ctx)
		if err != nil {
			rt.Close(ctx)
			return nil, nil, err
		}
		out[i] = host.Client{C: inst}
	}
	return out, func() { rt.Close(ctx) }, nil
}

// open returns one engine loaded with the profile file (empty if the file
// does not exist yet).
func (c *common) open(ctx context.Context) (host.Client, func(), error) {
	cls, closeFn, err := c.engines(ctx, 1)
	if err != nil {
		return host.Client{}, nil, err
	}
	data, err := os.ReadFile(c.store)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return cls[0], closeFn, nil
	case err != nil:
		closeFn()
		return host.Client{}, nil, err
	}
	if _, err := cls[0].Import(ctx, data); err != nil {
		closeFn()
		return host.Client{}, nil, fmt.Errorf("loading profile %s: %w", c.store, err)
	}
	// The module leaves the collector off after the import until asked
	// (wasm/collect.go); a command has no idle moment to wait for.
	if _, err := cls[0].Collect(ctx); err != nil {
		closeFn()
		return host.Client{}, nil, fmt.Errorf("loading profile %s: %w", c.store, err)
	}
	return cls[0], closeFn, nil
}

// save writes the engine's snapshot to the profile file atomically.
func (c *common) save(ctx context.Context, cl host.Client) error {
	data, err := cl.Export(ctx)
	if err != nil {
		return err
	}
	return writeAtomic(c.store, data)
}

// writeAtomic replaces path with data so that a crash leaves either the old
// or the new file, never a torn one: write a temp file in the same
// directory, fsync it, rename it over path, fsync the directory.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".profile-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
