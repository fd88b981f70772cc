// Package chatgen generates realistic, invented ChatGPT and Claude data
// exports (conversations.json) and memories lists, deterministically from a
// seed. They follow the published shapes of these files — ChatGPT's message
// tree with edited messages and regenerated replies as sibling branches,
// hidden system messages, custom-instruction context, tool calls and their
// output, images in multimodal messages, missing times; Claude's flat
// chat_messages with text, tool and thinking blocks — with made-up
// conversations. No part of anyone's real export is used.
//
// The generator also counts what a correct importer must produce (Stats),
// so tests can check an import of any size against it.
package chatgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// Options shape a generated export.
type Options struct {
	Seed uint64
	// Conversations to generate; if TargetBytes is set, generation instead
	// stops at the first conversation that reaches it.
	Conversations int
	TargetBytes   int64
	// Start is the time of the first conversation (default 2023-03-01).
	Start time.Time
}

// Stats count what was generated and what an importer should keep.
type Stats struct {
	Conversations int   // in the file
	Sessions      int   // conversations with at least one kept turn
	Turns         int   // user and assistant text turns on the current branches
	UserTurns     int   // of which from the user
	Bytes         int64 // file size
}

type gen struct {
	r     *rand.Rand
	t     time.Time
	stats Stats
	w     *countWriter
	o     Options
}

type countWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func newGen(w io.Writer, o Options) *gen {
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 3, 1, 9, 0, 0, 0, time.UTC)
	}
	if o.Conversations == 0 && o.TargetBytes == 0 {
		o.Conversations = 10
	}
	return &gen{r: rand.New(rand.NewPCG(o.Seed, 0x63686174)), t: o.Start, w: &countWriter{w: bufio.NewWriterSize(w, 1<<16)}, o: o}
}

func (g *gen) more(i int) bool {
	if g.o.TargetBytes > 0 {
		return g.w.n < g.o.TargetBytes
	}
	return i < g.o.Conversations
}

// run writes the array, one conversation per line.
func (g *gen) run(conv func(i int) any) (Stats, error) {
	io.WriteString(g.w, "[")
	for i := 0; g.more(i); i++ {
		if i > 0 {
			io.WriteString(g.w, ",\n")
		}
		b, err := json.Marshal(conv(i))
		if err != nil {
			return g.stats, err
		}
		g.w.Write(b)
		g.stats.Conversations++
	}
	io.WriteString(g.w, "]\n")
	g.stats.Bytes = g.w.n
	return g.stats, g.w.w.Flush()
}

func (g *gen) uuid() string {
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", g.r.Uint32(), g.r.Uint32()&0xffff, g.r.Uint32()&0xfff,
		0x8000|g.r.Uint32()&0x3fff, g.r.Uint64()&0xffffffffffff)
}

// advance moves the clock to the next conversation: hours to days later.
func (g *gen) nextConversation() time.Time {
	g.t = g.t.Add(time.Duration(1+g.r.IntN(60)) * time.Hour).Add(time.Duration(g.r.IntN(3600)) * time.Second)
	return g.t
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// userText is a user message: a question on a topic, often with a personal
// detail (what fact extraction learns from).
func (g *gen) userText(topic string) string {
	var sb strings.Builder
	if g.chance(0.35) {
		sb.WriteString(fill(g, g.pick(personal)))
		sb.WriteByte(' ')
	}
	sb.WriteString(fill(g, strings.ReplaceAll(g.pick(questions), "{topic}", topic)))
	for n := g.r.IntN(3); n > 0; n-- {
		sb.WriteByte(' ')
		sb.WriteString(g.sentence(topic, 6, 16))
	}
	return sb.String()
}

// assistantText is a reply of a few paragraphs, sometimes with markdown.
func (g *gen) assistantText(topic string) string {
	var sb strings.Builder
	sb.WriteString(fill(g, strings.ReplaceAll(g.pick(openers), "{topic}", topic)))
	for p := 1 + g.r.IntN(3); p > 0; p-- {
		sb.WriteString("\n\n")
		if g.chance(0.3) {
			for k := 2 + g.r.IntN(3); k > 0; k-- {
				sb.WriteString("- **" + g.pick(words) + "**: " + g.sentence(topic, 5, 12) + "\n")
			}
			continue
		}
		for s := 2 + g.r.IntN(4); s > 0; s-- {
			sb.WriteString(g.sentence(topic, 8, 22))
			sb.WriteByte(' ')
		}
	}
	return strings.TrimSpace(sb.String())
}

func (g *gen) sentence(topic string, lo, hi int) string {
	n := lo + g.r.IntN(hi-lo+1)
	ws := make([]string, n)
	for i := range ws {
		switch {
		case g.chance(0.08):
			ws[i] = topic
		case g.chance(0.45):
			ws[i] = g.pick(function)
		default:
			ws[i] = g.pick(words)
		}
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func fill(g *gen, s string) string {
	for _, k := range []struct {
		key string
		xs  []string
	}{
		{"{city}", cities}, {"{name}", names}, {"{pet}", pets}, {"{job}", jobs}, {"{food}", foods}, {"{month}", months},
	} {
		for strings.Contains(s, k.key) {
			s = strings.Replace(s, k.key, g.pick(k.xs), 1)
		}
	}
	return s
}
