package chatgen

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// ChatGPT's shapes (field order as in real exports).
type gptConv struct {
	Title       string             `json:"title"`
	CreateTime  *float64           `json:"create_time"`
	UpdateTime  *float64           `json:"update_time"`
	Mapping     map[string]gptNode `json:"mapping"`
	Moderation  []any              `json:"moderation_results"`
	CurrentNode string             `json:"current_node,omitempty"`
	PluginIDs   any                `json:"plugin_ids"`
	ConvID      string             `json:"conversation_id"`
	TemplateID  any                `json:"conversation_template_id"`
	GizmoID     any                `json:"gizmo_id"`
	IsArchived  bool               `json:"is_archived"`
	SafeURLs    []string           `json:"safe_urls"`
	DefaultSlug string             `json:"default_model_slug"`
	ID          string             `json:"id"`
}

type gptNode struct {
	ID       string   `json:"id"`
	Message  *gptMsg  `json:"message"`
	Parent   *string  `json:"parent"`
	Children []string `json:"children"`
}

type gptAuthor struct {
	Role     string         `json:"role"`
	Name     *string        `json:"name"`
	Metadata map[string]any `json:"metadata"`
}

type gptMsg struct {
	ID         string         `json:"id"`
	Author     gptAuthor      `json:"author"`
	CreateTime *float64       `json:"create_time"`
	UpdateTime *float64       `json:"update_time"`
	Content    map[string]any `json:"content"`
	Status     string         `json:"status"`
	EndTurn    *bool          `json:"end_turn"`
	Weight     float64        `json:"weight"`
	Metadata   map[string]any `json:"metadata"`
	Recipient  string         `json:"recipient"`
	Channel    *string        `json:"channel"`
}

type tree struct {
	g     *gen
	nodes map[string]gptNode
	t     time.Time
}

func (tr *tree) add(parent string, m *gptMsg) string {
	id := tr.g.uuid()
	if m != nil {
		m.ID = id
	}
	n := gptNode{ID: id, Message: m, Children: []string{}}
	if parent != "" {
		p := parent
		n.Parent = &p
		pn := tr.nodes[parent]
		pn.Children = append(pn.Children, id)
		tr.nodes[parent] = pn
	}
	tr.nodes[id] = n
	return id
}

func unix(t time.Time) *float64 {
	v := float64(t.UnixMicro()) / 1e6
	return &v
}

// msg makes a message at the tree's clock (advanced by a few seconds).
func (tr *tree) msg(role string, content map[string]any) *gptMsg {
	tr.t = tr.t.Add(time.Duration(2+tr.g.r.IntN(90)) * time.Second)
	end := role == "assistant"
	m := &gptMsg{Author: gptAuthor{Role: role, Metadata: map[string]any{}}, CreateTime: unix(tr.t), Content: content,
		Status: "finished_successfully", Weight: 1, Recipient: "all",
		Metadata: map[string]any{"request_id": fmt.Sprintf("%016x", tr.g.r.Uint64()), "timestamp_": "absolute", "message_type": nil}}
	if end {
		m.EndTurn = &end
		m.Metadata["model_slug"] = "gpt-4o"
		m.Metadata["finish_details"] = map[string]any{"type": "stop", "stop_tokens": []int{200002}}
		m.Metadata["citations"] = []any{}
	}
	return m
}

func text(parts ...any) map[string]any { return map[string]any{"content_type": "text", "parts": parts} }

// ChatGPT writes a ChatGPT conversations.json.
func ChatGPT(w io.Writer, o Options) (Stats, error) {
	g := newGen(w, o)
	return g.run(func(int) any { return g.gptConversation() })
}

func (g *gen) gptConversation() gptConv {
	start := g.nextConversation()
	topic := g.pick(topics)
	tr := &tree{g: g, nodes: map[string]gptNode{}, t: start}
	cur := tr.add("", nil)
	sys := tr.msg("system", text(""))
	sys.CreateTime, sys.Weight = nil, 0
	sys.Metadata["is_visually_hidden_from_conversation"] = true
	cur = tr.add(cur, sys)
	if g.chance(0.2) {
		ctx := tr.msg("user", map[string]any{"content_type": "user_editable_context",
			"user_profile":      "The user provided the following information about themselves: " + fill(g, g.pick(personal)),
			"user_instructions": "Be concise."})
		ctx.Metadata["is_visually_hidden_from_conversation"] = true
		cur = tr.add(cur, ctx)
	}
	kept, user := 0, 0
	noTimes := g.chance(0.05) // some messages without create_time
	for k := 2 + g.r.IntN(10); k > 0; k-- {
		if g.chance(0.12) { // an edited message: the first version stays as a sibling branch
			old := tr.add(cur, tr.msg("user", text(g.userText(topic))))
			tr.add(old, tr.msg("assistant", text(g.assistantText(topic))))
		}
		var um *gptMsg
		switch {
		case g.chance(0.08): // an image with a question
			um = tr.msg("user", map[string]any{"content_type": "multimodal_text", "parts": []any{
				map[string]any{"content_type": "image_asset_pointer", "asset_pointer": "file-service://file-" + g.uuid()[:20],
					"size_bytes": 100000 + g.r.IntN(900000), "width": 1024, "height": 768},
				g.userText(topic)}})
		case g.chance(0.02): // an image alone: nothing to import
			um = tr.msg("user", map[string]any{"content_type": "multimodal_text", "parts": []any{
				map[string]any{"content_type": "image_asset_pointer", "asset_pointer": "file-service://file-" + g.uuid()[:20]}}})
			kept--
			user--
		default:
			um = tr.msg("user", text(g.userText(topic)))
		}
		if noTimes && g.chance(0.3) {
			um.CreateTime = nil
		}
		cur = tr.add(cur, um)
		kept++
		user++
		if g.chance(0.1) { // a tool call and its output
			code := tr.msg("assistant", map[string]any{"content_type": "code", "language": "unknown",
				"text": "import pandas as pd\ndf = pd.read_csv('/mnt/data/" + strings.ReplaceAll(topic, " ", "_") + ".csv')\ndf.describe()"})
			code.Recipient, code.EndTurn = "python", nil
			cur = tr.add(cur, code)
			out := tr.msg("tool", map[string]any{"content_type": "execution_output", "text": "count  42.0\nmean   3.1"})
			name := "python"
			out.Author.Name = &name
			cur = tr.add(cur, out)
		}
		if g.chance(0.1) { // a regenerated reply: the first one stays as a sibling
			tr.add(cur, tr.msg("assistant", text(g.assistantText(topic))))
		}
		am := tr.msg("assistant", text(g.assistantText(topic)))
		if noTimes && g.chance(0.3) {
			am.CreateTime = nil
		}
		cur = tr.add(cur, am)
		kept++
	}
	c := gptConv{Title: strings.ToUpper(topic[:1]) + topic[1:], CreateTime: unix(start), UpdateTime: unix(tr.t),
		Mapping: tr.nodes, Moderation: []any{}, CurrentNode: cur, SafeURLs: []string{}, DefaultSlug: "gpt-4o"}
	c.ID = g.uuid()
	c.ConvID = c.ID
	if g.chance(0.03) {
		c.CurrentNode = "" // older exports: the importer follows the newest branch
	}
	if g.chance(0.03) {
		c.Title = ""
	}
	g.t = tr.t
	g.count(kept, user)
	return c
}

func (g *gen) count(kept, user int) {
	if kept > 0 {
		g.stats.Sessions++
	}
	g.stats.Turns += kept
	g.stats.UserTurns += user
}

// Claude's shapes.
type claudeConv struct {
	UUID      string         `json:"uuid"`
	Name      string         `json:"name"`
	CreatedAt string         `json:"created_at"`
	UpdatedAt string         `json:"updated_at"`
	Account   map[string]any `json:"account"`
	Messages  []claudeMsg    `json:"chat_messages"`
}

type claudeMsg struct {
	UUID        string           `json:"uuid"`
	Text        string           `json:"text"`
	Content     []map[string]any `json:"content"`
	Sender      string           `json:"sender"`
	CreatedAt   string           `json:"created_at,omitempty"`
	UpdatedAt   string           `json:"updated_at,omitempty"`
	Attachments []any            `json:"attachments"`
	Files       []any            `json:"files"`
}

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// Claude writes a Claude conversations.json.
func Claude(w io.Writer, o Options) (Stats, error) {
	g := newGen(w, o)
	account := g.uuid()
	return g.run(func(int) any { return g.claudeConversation(account) })
}

func (g *gen) claudeConversation(account string) claudeConv {
	start := g.nextConversation()
	topic := g.pick(topics)
	t := start
	c := claudeConv{UUID: g.uuid(), Name: strings.ToUpper(topic[:1]) + topic[1:], CreatedAt: iso(start),
		Account: map[string]any{"uuid": account}, Messages: []claudeMsg{}}
	kept, user := 0, 0
	noTimes := g.chance(0.05)
	msg := func(sender, txt string, blocks ...map[string]any) claudeMsg {
		t = t.Add(time.Duration(2+g.r.IntN(90)) * time.Second)
		m := claudeMsg{UUID: g.uuid(), Text: txt, Sender: sender, CreatedAt: iso(t), UpdatedAt: iso(t),
			Attachments: []any{}, Files: []any{}, Content: blocks}
		if noTimes && g.chance(0.3) {
			m.CreatedAt, m.UpdatedAt = "", ""
		}
		if m.Content == nil {
			m.Content = []map[string]any{{"type": "text", "text": txt, "start_timestamp": iso(t), "stop_timestamp": iso(t), "citations": []any{}}}
		}
		return m
	}
	for k := 2 + g.r.IntN(10); k > 0; k-- {
		switch {
		case g.chance(0.05): // an attachment without text: nothing to import
			m := msg("human", "")
			m.Content = []map[string]any{}
			m.Files = []any{map[string]any{"file_name": "notes.pdf"}}
			c.Messages = append(c.Messages, m)
		case g.chance(0.1): // old export style: text only, no content blocks
			m := msg("human", g.userText(topic))
			m.Content = []map[string]any{}
			c.Messages = append(c.Messages, m)
			kept++
			user++
		default:
			c.Messages = append(c.Messages, msg("human", g.userText(topic)))
			kept++
			user++
		}
		reply := g.assistantText(topic)
		if g.chance(0.15) { // thinking, a tool call and its result around the text
			c.Messages = append(c.Messages, msg("assistant", reply,
				map[string]any{"type": "thinking", "thinking": "The user asks about " + topic + "; " + g.sentence(topic, 6, 12)},
				map[string]any{"type": "tool_use", "name": "web_search", "input": map[string]any{"query": topic}},
				map[string]any{"type": "tool_result", "name": "web_search", "content": []any{map[string]any{"type": "text", "text": "result"}}},
				map[string]any{"type": "text", "text": reply}))
		} else {
			c.Messages = append(c.Messages, msg("assistant", reply))
		}
		kept++
	}
	c.UpdatedAt = iso(t)
	g.t = t
	g.count(kept, user)
	return c
}

// MemoryStats count a memories list.
type MemoryStats struct {
	Lines, Facts int
}

// Memories writes n memory lines in the styles people paste them: plain,
// bulleted, numbered, with blank lines between groups.
func Memories(w io.Writer, seed uint64, n int) (MemoryStats, error) {
	g := newGen(io.Discard, Options{Seed: seed})
	bw := bufio.NewWriter(w)
	var st MemoryStats
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		line := fill(g, g.pick(memoryLines))
		if seen[line] {
			continue
		}
		seen[line] = true
		switch {
		case i%7 == 3:
			line = "- " + line
		case i%11 == 5:
			line = fmt.Sprintf("%d. %s", i+1, line)
		}
		fmt.Fprintln(bw, line)
		st.Lines++
		st.Facts++
		if i%5 == 4 {
			fmt.Fprintln(bw)
			st.Lines++
		}
	}
	return st, bw.Flush()
}
