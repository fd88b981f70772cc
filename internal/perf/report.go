package perf

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is a whole perf run.
type Report struct {
	Date      time.Time `json:"date"`
	GoVersion string    `json:"go_version"`
	GOOS      string    `json:"goos"`
	GOARCH    string    `json:"goarch"`
	CPUs      int       `json:"cpus"`
	Seed      uint64    `json:"seed"`
	Queries   int       `json:"queries"`
	K         int       `json:"k"`
	Loads     int       `json:"loads"`
	// Module is the engine module's size (nil when only native ran and
	// no module was found).
	Module *ModuleSize `json:"module,omitempty"`
	// WasmCompileMs is the time to compile the module with wazero (using
	// the compilation cache when warm).
	WasmCompileMs float64  `json:"wasm_compile_ms,omitempty"`
	Results       []Result `json:"results"`
	// LoadAvg is /proc/loadavg at the start and end of the run (other
	// work on the machine skews timings).
	LoadAvg []string `json:"loadavg,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// NewReport fills the run's environment.
func NewReport(o Options) *Report {
	o.defaults()
	return &Report{
		Date: time.Now().UTC().Truncate(time.Second), GoVersion: runtime.Version(),
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPUs: runtime.NumCPU(),
		Seed: o.Seed, Queries: o.Queries, K: o.K, Loads: o.Loads,
	}
}

// SampleLoadAvg appends the machine's load average (Linux only; elsewhere
// it does nothing).
func (r *Report) SampleLoadAvg() {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return
	}
	f := strings.Fields(string(b))
	if len(f) >= 3 {
		r.LoadAvg = append(r.LoadAvg, strings.Join(f[:3], " "))
	}
}

// WriteJSON writes the report as indented JSON to path.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// header and row give the table's columns, shared by the text and
// Markdown forms.
var header = []string{"engine", "turns", "ingest turns/s", "recall p50/p95/p99 ms", "context p50/p95 ms",
	"snapshot", "snap/raw", "export ms", "load ms", "memory"}

func (r *Report) row(x Result) []string {
	nq, nl := "", ""
	if x.Recall.N != r.Queries {
		nq = fmt.Sprintf(" (n=%d)", x.Recall.N)
	}
	if len(x.Snapshot.LoadsMs) != r.Loads {
		nl = fmt.Sprintf(" (n=%d)", len(x.Snapshot.LoadsMs))
	}
	return []string{
		x.Engine,
		fmt.Sprint(x.Turns),
		fmt.Sprintf("%.0f", x.Ingest.TurnsPerSec),
		fmt.Sprintf("%s / %s / %s%s", msStr(x.Recall.P50), msStr(x.Recall.P95), msStr(x.Recall.P99), nq),
		fmt.Sprintf("%s / %s%s", msStr(x.Context.P50), msStr(x.Context.P95), nq),
		bytesStr(x.Snapshot.Bytes),
		fmt.Sprintf("%.2f×", x.Snapshot.RatioToRaw),
		msStr(x.Snapshot.ExportMs),
		msStr(x.Snapshot.LoadMs) + nl,
		memStr(x.Memory),
	}
}

func memStr(m Memory) string {
	if m.WasmLinearBytes > 0 {
		return fmt.Sprintf("linear %s (%s after load)", bytesStr(int64(m.WasmLinearBytes)), bytesStr(int64(m.WasmLinearAfterLoadBytes)))
	}
	return fmt.Sprintf("heap %s (+%s over data), sys %s", bytesStr(int64(m.HeapInusePeakBytes)),
		bytesStr(int64(m.HeapInusePeakBytes)-int64(m.HeapBaselineBytes)), bytesStr(int64(m.SysPeakBytes)))
}

// msStr formats milliseconds with precision suited to their size.
func msStr(v float64) string {
	switch {
	case v < 1:
		return fmt.Sprintf("%.3f", v)
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func bytesStr(n int64) string {
	switch {
	case n < 0:
		return "-" + bytesStr(-n)
	case n < 10<<10:
		return fmt.Sprintf("%d B", n)
	case n < 10<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// WriteTable writes the report as an aligned text table.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "Confidant perf — %s %s/%s, %d CPUs, seed %d, %d queries (k=%d), median of %d loads\n\n",
		r.GoVersion, r.GOOS, r.GOARCH, r.CPUs, r.Seed, r.Queries, r.K, r.Loads)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, x := range r.Results {
		fmt.Fprintln(tw, strings.Join(r.row(x), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	r.writeFooter(w, "")
	return nil
}

// WriteMarkdown writes the report as a Markdown table for README.md.
func (r *Report) WriteMarkdown(w io.Writer) error {
	fmt.Fprintf(w, "| %s |\n", strings.Join(header, " | "))
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = "---"
		if i > 0 && i < len(header)-1 {
			seps[i] = "---:"
		}
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(seps, " | "))
	for _, x := range r.Results {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r.row(x), " | "))
	}
	fmt.Fprintln(w)
	r.writeFooter(w, "- ")
	fmt.Fprintf(w, "\nMeasured %s with `confidant bench perf` (%s, %s/%s, %d CPUs, seed %d, %d queries with k=%d, median of %d loads unless n= says otherwise).\n",
		r.Date.Format("2006-01-02"), r.GoVersion, r.GOOS, r.GOARCH, r.CPUs, r.Seed, r.Queries, r.K, r.Loads)
	return nil
}

func (r *Report) writeFooter(w io.Writer, bullet string) {
	if r.Module != nil {
		m := r.Module
		fmt.Fprintf(w, "%sEngine module %s: %s raw, %s gzip -9, %s brotli q11", bullet, m.Path,
			bytesStr(m.Raw), bytesStr(m.Gzip), bytesStr(m.Brotli))
		if r.WasmCompileMs > 0 {
			fmt.Fprintf(w, "; wazero compile %s ms", msStr(r.WasmCompileMs))
		}
		fmt.Fprintln(w, ".")
	}
	for _, x := range r.Results {
		fmt.Fprintf(w, "%s%s %d turns: %d sessions, %s raw text, %d facts learned; ingest batch p50 %s ms max %s ms; "+
			"recall found the source turn for %.0f%% of phrase queries; %d queries; run %.1fs.\n",
			bullet, x.Engine, x.Turns, x.Sessions, bytesStr(x.RawTextBytes), x.FactsLearned,
			msStr(x.Ingest.Batches.P50), msStr(x.Ingest.Batches.Max), 100*x.RecallFound, x.Recall.N, x.Seconds)
	}
	if len(r.LoadAvg) > 0 {
		fmt.Fprintf(w, "%sLoad average (1/5/15 min) at start and end: %s.\n", bullet, strings.Join(r.LoadAvg, " → "))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "%s%s\n", bullet, n)
	}
}
