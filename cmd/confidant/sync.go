package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"time"
)

// syncFile is the CLI's sync configuration, beside the profile (0600): the
// server URL and the engine's sync state (sync.save: vault key, seen
// versions, base, last sync). It never goes into a profile or an export.
type syncFile struct {
	Server string `json:"server"`
	State  []byte `json:"state"`
}

func syncPath(store string) string { return store + ".sync" }

// cmdSync pulls, merges, seals and pushes the profile (see host.Client.Sync).
func cmdSync(ctx context.Context, args []string) error {
	fs_ := newFlags("sync", "")
	var c common
	c.register(fs_)
	server := fs_.String("server", "", "sync server URL (remembered; e.g. http://127.0.0.1:8787)")
	join := fs_.String("join", "", "join the vault of this recovery code")
	setup := fs_.Bool("setup", false, "create a new vault (prints its recovery code once)")
	if err := parse(fs_, args, 0); err != nil {
		return err
	}
	cfgPath := syncPath(c.store)
	var cfg syncFile
	data, err := os.ReadFile(cfgPath)
	switch {
	case err == nil:
		if err := json.Unmarshal(data, &cfg); err != nil {
			return fmt.Errorf("sync config %s: %w", cfgPath, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if *server != "" {
		cfg.Server = *server
	}
	if cfg.Server == "" {
		return errors.New("no sync server: pass --server URL")
	}
	cl, closeFn, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer closeFn()
	switch {
	case (*setup || *join != "") && cfg.State != nil:
		return fmt.Errorf("sync is already set up (%s); remove it to set up again", cfgPath)
	case *setup && *join != "":
		return errors.New("--setup and --join exclude each other")
	case *setup:
		r, err := cl.SyncSetup(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("New vault %s. Recovery code (shown once; keep it safe, it is the only way to add a device or recover):\n\n  %s\n\n", r.Vault, r.RecoveryCode)
	case *join != "":
		r, err := cl.SyncJoin(ctx, *join)
		if err != nil {
			return err
		}
		fmt.Printf("Joined vault %s as device %s.\n", r.Vault, r.Device)
	case cfg.State == nil:
		return errors.New("sync is not set up: run with --setup (first device) or --join CODE")
	default:
		if _, err := cl.SyncLoad(ctx, cfg.State); err != nil {
			return fmt.Errorf("sync config %s: %w", cfgPath, err)
		}
	}
	// Keep the key even if this first sync fails.
	save := func() error {
		st, err := cl.SyncSave(ctx)
		if err != nil {
			return err
		}
		cfg.State = st
		b, _ := json.Marshal(cfg)
		return writeAtomic(cfgPath, b)
	}
	if err := save(); err != nil {
		return err
	}
	hctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	rep, syncErr := cl.Sync(hctx, &http.Client{Timeout: time.Minute}, cfg.Server)
	// The engine only changes through a complete merge, so what it holds
	// now is the local data plus whatever was merged: save it (and the
	// sync state) even if the push failed afterwards.
	if rep.Opened != nil || syncErr == nil {
		if err := c.save(ctx, cl); err != nil {
			return err
		}
		if err := save(); err != nil {
			return err
		}
	}
	if syncErr != nil {
		return syncErr
	}
	st, err := cl.SyncStatus(ctx)
	if err != nil {
		return err
	}
	what := "up to date"
	if rep.Pushed {
		what = "pushed"
	}
	changed := 0
	if rep.Opened != nil {
		changed = rep.Opened.Changed
	}
	fmt.Printf("synced: vault %s, version %d (%s), %d local records changed by the merge, device %s, last sync %s\n",
		st.Vault, st.Version, what, changed, st.Device, st.LastSync)
	return nil
}
