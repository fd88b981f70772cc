package importer

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/confidant-dev/confidant/core/model"
)

// ChatGPT's conversations.json: an array of these (decoded by
// decodeChatGPT; only the members the importer uses are kept).
type gptConversation struct {
	ID, ConversationID, Title string
	CreateTime, UpdateTime    *float64
	Mapping                   map[string]gptNode
	CurrentNode               string
}

// The strings of a decoded conversation, except Title and the text parts,
// share the input's memory (reader.borrow): nothing derived from them may
// be kept without a copy.
type gptNode struct {
	Parent     string // "" for none
	HasMessage bool
	Message    gptMsg
}

type gptMsg struct {
	ID          string
	Role        string // author.role
	CreateTime  *float64
	ContentType string   // content.content_type
	Part        string   // the first text part
	More        []string // further text parts
	Recipient   string
	Hidden      bool // metadata.is_visually_hidden_from_conversation
}

// decodeChatGPT decodes one conversation object.
func decodeChatGPT(obj []byte, base int64) (*gptConversation, error) {
	r := &reader{b: obj, base: base}
	c := &gptConversation{}
	err := r.object("the conversation", func(k []byte) (err error) {
		switch string(k) {
		case "id":
			c.ID, err = r.borrow("id")
		case "conversation_id":
			c.ConversationID, err = r.borrow("conversation_id")
		case "title":
			c.Title, err = r.str("title")
		case "create_time":
			c.CreateTime, err = r.num("create_time")
		case "update_time":
			c.UpdateTime, err = r.num("update_time")
		case "current_node":
			c.CurrentNode, err = r.borrow("current_node")
		case "mapping":
			c.Mapping = map[string]gptNode{}
			err = r.object("mapping", func(key []byte) error {
				n, err := decodeNode(r)
				c.Mapping[unsafe.String(unsafe.SliceData(key), len(key))] = n
				return err
			})
		default:
			err = r.skip()
		}
		return err
	})
	if err == nil && r.peek() != 0 {
		err = r.fail("unexpected %s after the conversation", describe(r.b[r.i:]))
	}
	return c, err
}

func decodeNode(r *reader) (n gptNode, err error) {
	err = r.object("mapping.*", func(k []byte) (err error) {
		switch string(k) {
		case "parent":
			n.Parent, err = r.borrow("mapping.*.parent")
		case "message":
			if null, err := r.null(); null || err != nil {
				return err
			}
			n.HasMessage = true
			err = decodeMessage(r, &n.Message)
		default:
			err = r.skip()
		}
		return err
	})
	return n, err
}

func decodeMessage(r *reader, m *gptMsg) error {
	return r.object("mapping.*.message", func(k []byte) (err error) {
		switch string(k) {
		case "id":
			m.ID, err = r.borrow("message.id")
		case "author":
			err = r.object("message.author", func(k []byte) (err error) {
				if string(k) == "role" {
					m.Role, err = r.borrow("message.author.role")
				} else {
					err = r.skip()
				}
				return err
			})
		case "create_time":
			m.CreateTime, err = r.num("message.create_time")
		case "recipient":
			m.Recipient, err = r.borrow("message.recipient")
		case "content":
			err = r.object("message.content", func(k []byte) (err error) {
				switch string(k) {
				case "content_type":
					m.ContentType, err = r.borrow("message.content.content_type")
				case "parts":
					err = r.array("message.content.parts", func() error {
						if r.peek() != '"' {
							return r.skip() // an image, a file, audio
						}
						s, err := r.string(true)
						if m.Part == "" {
							m.Part = s
						} else {
							m.More = append(m.More, s)
						}
						return err
					})
				default:
					err = r.skip()
				}
				return err
			})
		case "metadata":
			err = r.object("message.metadata", func(k []byte) (err error) {
				if string(k) == "is_visually_hidden_from_conversation" {
					m.Hidden, err = r.boolean("message.metadata.is_visually_hidden_from_conversation")
				} else {
					err = r.skip()
				}
				return err
			})
		default:
			err = r.skip()
		}
		return err
	})
}

// maxUnix bounds a timestamp (the year 3000): anything later is corrupt.
const maxUnix = 32503680000

func unixTime(what string, v *float64) (time.Time, error) {
	if v == nil || *v <= 0 {
		return time.Time{}, nil
	}
	if *v > maxUnix || math.IsNaN(*v) {
		return time.Time{}, malformed("%s %v is not a plausible time (seconds since 1970)", what, *v)
	}
	sec, frac := math.Modf(*v)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC().Truncate(time.Millisecond), nil
}

func (c *gptConversation) batch(b *Batch) error {
	id := c.ID
	if id == "" {
		id = c.ConversationID
	}
	if id == "" {
		return malformed(`it has no "id" or "conversation_id"`)
	}
	sid := SiteChatGPT + ":" + id
	if err := checkID("conversation id", sid); err != nil {
		return err
	}
	created, err := unixTime("create_time", c.CreateTime)
	if err != nil {
		return err
	}
	updated, err := unixTime("update_time", c.UpdateTime)
	if err != nil {
		return err
	}
	path, err := c.branch()
	if err != nil {
		return err
	}
	clk := clock{fallback: created}
	if clk.fallback.IsZero() {
		clk.fallback = updated
	}
	var turns []model.Turn
	for _, key := range path {
		n := c.Mapping[key]
		if !n.HasMessage {
			continue
		}
		m := &n.Message
		at, err := unixTime("message "+key+" create_time", m.CreateTime)
		if err != nil {
			return err
		}
		var role model.Role
		switch m.Role {
		case "user":
			role = model.RoleUser
		case "assistant":
			role = model.RoleAssistant
		}
		text := m.text()
		if (role != model.RoleUser && role != model.RoleAssistant) || text == "" || m.Hidden ||
			(m.Recipient != "" && m.Recipient != "all") {
			clk.seen(at) // a skipped message's own time still moves the clock
			continue
		}
		at = clk.at(at)
		if at.IsZero() {
			return malformed("message %q has no create_time and neither has the conversation", clip(key, 40))
		}
		mid := m.ID
		if mid == "" {
			mid = key
		}
		t := model.Turn{ID: sid + ":" + mid, Session: sid, Role: role, Text: text, Time: at}
		if err := checkID("message id", t.ID); err != nil {
			return err
		}
		turns = append(turns, t)
	}
	b.add(sid, SiteChatGPT, c.Title, created, turns)
	return nil
}

// text joins a message's text parts; other content types and non-text parts
// (images, files, code, tool output) give "".
func (m *gptMsg) text() string {
	switch m.ContentType {
	case "text", "multimodal_text", "":
	default:
		return ""
	}
	if len(m.More) == 0 {
		return strings.TrimSpace(m.Part)
	}
	var parts []string
	for _, s := range append([]string{m.Part}, m.More...) {
		if strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}

// branch returns the mapping keys from the root to the current node.
func (c *gptConversation) branch() ([]string, error) {
	if len(c.Mapping) == 0 {
		return nil, nil
	}
	leaf := c.CurrentNode
	if _, ok := c.Mapping[leaf]; !ok {
		if leaf != "" {
			return nil, malformed("current_node %q is not in the mapping", clip(leaf, 40))
		}
		var err error
		if leaf, err = c.newestLeaf(); err != nil {
			return nil, err
		}
	}
	var path []string
	for key, steps := leaf, 0; ; steps++ {
		if steps > len(c.Mapping) {
			return nil, malformed("the message tree has a cycle through node %q", clip(key, 40))
		}
		path = append(path, key)
		n := c.Mapping[key]
		if _, ok := c.Mapping[n.Parent]; !ok {
			break // no parent, or one outside the mapping: the node is the root
		}
		key = n.Parent
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path, nil
}

// newestLeaf picks, among the leaves (nodes no other node names as its
// parent), the one whose branch was last written to: the greatest time of
// its own message or, failing that, its nearest timed ancestor's; ties go
// to the smallest id. After an edit or a regeneration the new branch is the
// newest, so this is the branch the user last saw.
func (c *gptConversation) newestLeaf() (string, error) {
	parents := make(map[string]bool, len(c.Mapping))
	for _, n := range c.Mapping {
		parents[n.Parent] = true
	}
	best, bestT := "", -1.0
	for key := range c.Mapping {
		if parents[key] {
			continue
		}
		t := 0.0
		for k, steps := key, 0; steps <= len(c.Mapping); steps++ {
			n, ok := c.Mapping[k]
			if !ok {
				break
			}
			if n.HasMessage && n.Message.CreateTime != nil {
				t = *n.Message.CreateTime
				break
			}
			k = n.Parent
		}
		if t > bestT || (t == bestT && key < best) {
			best, bestT = key, t
		}
	}
	if best == "" {
		return "", malformed("the message tree has no leaf (every node is a parent: a cycle) and no current_node")
	}
	return best, nil
}

// Claude's conversations.json: an array of these.
type claudeConversation struct {
	UUID      string      `json:"uuid"`
	Name      string      `json:"name"`
	CreatedAt string      `json:"created_at"`
	UpdatedAt string      `json:"updated_at"`
	Messages  []claudeMsg `json:"chat_messages"`
}

type claudeMsg struct {
	UUID    string `json:"uuid"`
	Sender  string `json:"sender"`
	Text    string `json:"text"`
	Content []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
	CreatedAt string `json:"created_at"`
}

func isoTime(what, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, malformed("%s %q is not an ISO 8601 time like 2024-05-01T10:00:00Z", what, clip(s, 40))
	}
	if t.Year() < 1971 || t.Year() >= 3000 {
		return time.Time{}, malformed("%s %q is not a plausible time", what, clip(s, 40))
	}
	return t.UTC().Truncate(time.Millisecond), nil
}

func (c *claudeConversation) batch(b *Batch) error {
	if c.UUID == "" {
		return malformed(`it has no "uuid"`)
	}
	sid := SiteClaude + ":" + c.UUID
	if err := checkID("conversation uuid", sid); err != nil {
		return err
	}
	created, err := isoTime("created_at", c.CreatedAt)
	if err != nil {
		return err
	}
	updated, err := isoTime("updated_at", c.UpdatedAt)
	if err != nil {
		return err
	}
	clk := clock{fallback: created}
	if clk.fallback.IsZero() {
		clk.fallback = updated
	}
	var turns []model.Turn
	for i := range c.Messages {
		m := &c.Messages[i]
		at, err := isoTime(fmt.Sprintf("message %d created_at", i), m.CreatedAt)
		if err != nil {
			return err
		}
		var role model.Role
		switch m.Sender {
		case "human":
			role = model.RoleUser
		case "assistant":
			role = model.RoleAssistant
		}
		text := m.text()
		if role == "" || text == "" {
			clk.seen(at)
			continue
		}
		if m.UUID == "" {
			return malformed(`message %d has no "uuid"`, i)
		}
		at = clk.at(at)
		if at.IsZero() {
			return malformed("message %d has no created_at and neither has the conversation", i)
		}
		t := model.Turn{ID: sid + ":" + m.UUID, Session: sid, Role: role, Text: text, Time: at}
		if err := checkID(fmt.Sprintf("message %d uuid", i), t.ID); err != nil {
			return err
		}
		turns = append(turns, t)
	}
	b.add(sid, SiteClaude, c.Name, created, turns)
	return nil
}

// text is the message's text blocks joined by blank lines, or its "text"
// field when it has no content blocks.
func (m *claudeMsg) text() string {
	if len(m.Content) == 0 {
		return strings.TrimSpace(m.Text)
	}
	var parts []string
	for _, c := range m.Content {
		if c.Type == "text" && strings.TrimSpace(c.Text) != "" {
			parts = append(parts, strings.TrimSpace(c.Text))
		}
	}
	return strings.Join(parts, "\n\n")
}

// add appends a conversation's session and turns; a conversation without a
// turn a memory can use adds nothing, not even its session. The session
// starts at its creation time, or at its first turn when that is earlier or
// the creation time is missing.
func (b *Batch) add(sid, site, name string, created time.Time, turns []model.Turn) {
	if len(turns) == 0 {
		return
	}
	start := created
	if start.IsZero() || turns[0].Time.Before(start) {
		start = turns[0].Time
	}
	b.Sessions = append(b.Sessions, model.Session{ID: sid, Site: site, Title: title(name), Start: start})
	b.Turns = append(b.Turns, turns...)
}
