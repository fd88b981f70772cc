package importer

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/model"
)

// ChatGPT's conversations.json: an array of these.
type gptConversation struct {
	ID             string             `json:"id"`
	ConversationID string             `json:"conversation_id"`
	Title          string             `json:"title"`
	CreateTime     *float64           `json:"create_time"`
	UpdateTime     *float64           `json:"update_time"`
	Mapping        map[string]gptNode `json:"mapping"`
	CurrentNode    string             `json:"current_node"`
}

type gptNode struct {
	ID       string   `json:"id"`
	Parent   *string  `json:"parent"`
	Children []string `json:"children"`
	Message  *gptMsg  `json:"message"`
}

type gptMsg struct {
	ID     string `json:"id"`
	Author struct {
		Role string `json:"role"`
	} `json:"author"`
	CreateTime *float64 `json:"create_time"`
	Content    struct {
		ContentType string            `json:"content_type"`
		Parts       []json.RawMessage `json:"parts"`
	} `json:"content"`
	Recipient string `json:"recipient"`
	Metadata  struct {
		Hidden bool `json:"is_visually_hidden_from_conversation"`
	} `json:"metadata"`
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
		m := c.Mapping[key].Message
		if m == nil {
			continue
		}
		at, err := unixTime("message "+key+" create_time", m.CreateTime)
		if err != nil {
			return err
		}
		role := model.Role(m.Author.Role)
		text := m.text()
		if (role != model.RoleUser && role != model.RoleAssistant) || text == "" || m.Metadata.Hidden ||
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
	if len(turns) == 0 {
		return nil // nothing a memory can use: no session either
	}
	start := created
	if start.IsZero() || turns[0].Time.Before(start) {
		start = turns[0].Time
	}
	b.Sessions = append(b.Sessions, model.Session{ID: sid, Site: SiteChatGPT, Title: title(c.Title), Start: start})
	b.Turns = append(b.Turns, turns...)
	return nil
}

// text joins a message's text parts; other content types and non-text parts
// (images, files, code, tool output) give "".
func (m *gptMsg) text() string {
	switch m.Content.ContentType {
	case "text", "multimodal_text", "":
	default:
		return ""
	}
	var parts []string
	for _, raw := range m.Content.Parts {
		if len(raw) == 0 || raw[0] != '"' {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil && strings.TrimSpace(s) != "" {
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
		if n.Parent == nil {
			break
		}
		if _, ok := c.Mapping[*n.Parent]; !ok {
			break // a parent outside the mapping: treat the node as the root
		}
		key = *n.Parent
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path, nil
}

// newestLeaf follows the last child from the root down: the latest edit or
// regeneration at every fork.
func (c *gptConversation) newestLeaf() (string, error) {
	root := ""
	for key, n := range c.Mapping {
		if n.Parent == nil || *n.Parent == "" {
			if root == "" || key < root { // deterministic if several
				root = key
			}
		}
	}
	if root == "" {
		return "", malformed("the message tree has no root and no current_node")
	}
	key := root
	for steps := 0; ; steps++ {
		if steps > len(c.Mapping) {
			return "", malformed("the message tree has a cycle through node %q", clip(key, 40))
		}
		kids := c.Mapping[key].Children
		next := ""
		for i := len(kids) - 1; i >= 0; i-- {
			if _, ok := c.Mapping[kids[i]]; ok {
				next = kids[i]
				break
			}
		}
		if next == "" {
			return key, nil
		}
		key = next
	}
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
	if len(turns) == 0 {
		return nil
	}
	start := created
	if start.IsZero() || turns[0].Time.Before(start) {
		start = turns[0].Time
	}
	b.Sessions = append(b.Sessions, model.Session{ID: sid, Site: SiteClaude, Title: title(c.Name), Start: start})
	b.Turns = append(b.Turns, turns...)
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
