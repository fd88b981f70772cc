package main

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/importer"
	"github.com/confidant-dev/confidant/host"
)

// importChunk is how much of the file each import.feed carries.
const importChunk = 1 << 20

// errCancelled reports an import stopped by Ctrl-C.
var errCancelled = errors.New("cancelled: the profile was not changed")

func cmdImportChat(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("import-chat", "FILE (.zip, .json or .txt)")
	c.register(fs)
	format := fs.String("format", "", "chatgpt, claude or memories (default: detected from the content)")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	name := fs.Arg(0)
	src, err := openExport(name)
	if err != nil {
		return err
	}
	defer src.Close()
	in := bufio.NewReaderSize(src, importChunk)
	f := importer.Format(*format)
	if *format == "" {
		head, err := in.Peek(64 << 10)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("%s: %w", name, err)
		}
		if f, err = importer.Detect(head); err != nil {
			return fmt.Errorf("%s: %w", src.label, err)
		}
		if ext := strings.ToLower(path.Ext(name)); f == importer.Memories && ext != ".txt" && ext != "" {
			return fmt.Errorf("%s is not a ChatGPT or Claude export (no JSON array of conversations); if it is a list of memories, one per line, pass --format memories", name)
		}
	} else if _, err := importer.ParseFormat(*format); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		tot, err := runImport(ctx, cl, f, in, src.size, src.label)
		if err != nil {
			return false, err
		}
		fmt.Printf("imported %d conversations, %d turns and %d facts from %s (%s); %d already present skipped",
			tot.Sessions, tot.Turns, tot.Facts, src.label, f, tot.Duplicates)
		if tot.Redacted > 0 {
			fmt.Printf(", %d secrets redacted", tot.Redacted)
		}
		fmt.Printf(" → %s\n", c.store)
		return tot.Sessions+tot.Turns+tot.Facts > 0, nil
	})
}

// runImport streams in through the engine's import ops, showing progress,
// and applies the import at the end. On error or Ctrl-C it cancels the
// import: the engine, and so the profile, stay as they were.
func runImport(ctx context.Context, cl host.Client, f importer.Format, in io.Reader, size int64, label string) (engine.ImportTotals, error) {
	var tot engine.ImportTotals
	id, err := cl.ImportBegin(ctx, string(f))
	if err != nil {
		return tot, err
	}
	bar := newProgress(size)
	buf := make([]byte, importChunk)
	for {
		if ctx.Err() != nil {
			bar.done()
			_ = cl.ImportCancel(context.Background(), id)
			return tot, errCancelled
		}
		n, rerr := io.ReadFull(in, buf)
		if n > 0 {
			if tot, err = cl.ImportFeed(ctx, id, buf[:n]); err != nil {
				bar.done()
				return tot, fmt.Errorf("%s: %w (the profile was not changed)", label, err)
			}
			bar.update(tot)
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			bar.done()
			_ = cl.ImportCancel(context.Background(), id)
			return tot, fmt.Errorf("%s: %w (the profile was not changed)", label, rerr)
		}
	}
	bar.applying()
	tot, err = cl.ImportEnd(ctx, id)
	bar.done()
	if err != nil {
		return tot, fmt.Errorf("%s: %w (the profile was not changed)", label, err)
	}
	return tot, nil
}

// export is the file to import: a plain file, or conversations.json (or
// the one file) inside a zip.
type export struct {
	io.ReadCloser
	size  int64
	label string
}

func openExport(name string) (*export, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if string(magic[:n]) != "PK\x03\x04" {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		return &export{ReadCloser: f, size: st.Size(), label: name}, nil
	}
	f.Close()
	z, err := zip.OpenReader(name)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable zip archive: %w", name, err)
	}
	var pick *zip.File
	for _, zf := range z.File {
		if path.Base(zf.Name) == "conversations.json" && (pick == nil || len(zf.Name) < len(pick.Name)) {
			pick = zf
		}
	}
	if pick == nil {
		var names []string
		for _, zf := range z.File {
			names = append(names, zf.Name)
		}
		z.Close()
		if len(names) > 8 {
			names = append(names[:8], "…")
		}
		return nil, fmt.Errorf("%s: the zip holds no conversations.json (it holds %s): is it a ChatGPT or Claude data export?", name, strings.Join(names, ", "))
	}
	r, err := pick.Open()
	if err != nil {
		z.Close()
		return nil, fmt.Errorf("%s: %s: %w", name, pick.Name, err)
	}
	return &export{ReadCloser: zipEntry{r, z}, size: int64(pick.UncompressedSize64), label: name + ":" + pick.Name}, nil
}

type zipEntry struct {
	io.ReadCloser
	z *zip.ReadCloser
}

func (z zipEntry) Close() error {
	z.ReadCloser.Close()
	return z.z.Close()
}

// progress shows an import's progress on stderr: a bar redrawn in place on
// a terminal, else a plain line now and then.
type progress struct {
	size  int64
	start time.Time
	last  time.Time
	tty   bool
	shown bool
}

func newProgress(size int64) *progress {
	return &progress{size: size, start: time.Now(), tty: isTerminal(os.Stderr)}
}

func (p *progress) update(t engine.ImportTotals) {
	now := time.Now()
	every := 5 * time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	if p.shown && now.Sub(p.last) < every {
		return
	}
	p.last, p.shown = now, true
	pct := 100.0
	if p.size > 0 {
		pct = min(100, 100*float64(t.Bytes)/float64(p.size))
	}
	rate := float64(t.Turns) / max(now.Sub(p.start).Seconds(), 1e-3)
	mb := func(n int64) float64 { return float64(n) / 1e6 }
	if !p.tty {
		fmt.Fprintf(os.Stderr, "import: %3.0f%% (%.1f of %.1f MB), %d turns, %.0f turns/s\n", pct, mb(t.Bytes), mb(p.size), t.Turns, rate)
		return
	}
	const width = 30
	fill := int(pct / 100 * width)
	fmt.Fprintf(os.Stderr, "\r\033[K  [%s%s] %3.0f%%  %.1f/%.1f MB  %d turns  %.0f turns/s",
		strings.Repeat("█", fill), strings.Repeat("·", width-fill), pct, mb(t.Bytes), mb(p.size), t.Turns, rate)
}

func (p *progress) applying() {
	if p.tty {
		fmt.Fprint(os.Stderr, "\r\033[K  applying…")
	} else {
		fmt.Fprintf(os.Stderr, "import: read in %.1fs; applying\n", time.Since(p.start).Seconds())
	}
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
}
