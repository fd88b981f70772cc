package host

// MemoryBytes returns the current size of the instance's linear memory in
// bytes. Wasm memory only grows, so after a workload this is its peak.
func (i *Instance) MemoryBytes() uint64 {
	i.mu.Lock()
	defer i.mu.Unlock()
	return uint64(i.mod.Memory().Size())
}
