// Command preinit writes a pre-initialised copy of a WASI reactor (see
// internal/preinit): preinit in.wasm out.wasm.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/confidant-dev/confidant/internal/preinit"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: preinit in.wasm out.wasm")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "preinit:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	wasm, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	snap, st, err := preinit.Snapshot(context.Background(), wasm)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	// Written beside out and renamed over it, so a failed write never
	// leaves a half module where a host would load it.
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, snap, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Remove(tmp)
		return err
	}
	fmt.Fprintf(os.Stderr, "preinit: %s → %s: %d bytes (was %d); memory %d pages, %d bytes in %d data segments; start read the clock %d times\n",
		in, out, len(snap), len(wasm), st.Pages, st.DataBytes, st.Segments, st.ClockEnd)
	return nil
}
