package host

import "crypto/rand"

// randReader gives the module the host's cryptographic randomness (wazero's
// default source is deterministic).
type randReader struct{}

func (randReader) Read(p []byte) (int, error) { return rand.Read(p) }
