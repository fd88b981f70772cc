package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/internal/chatgen"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "regenerate testdata/imports fixtures and golden files with internal/chatgen")

const fixtures = "../../testdata/imports"

// fixture names a committed export and the generator call that made it.
type fixture struct {
	format Format
	path   string
	gen    func(w *bytes.Buffer) error
}

var fixtureList = []fixture{
	{ChatGPT, "chatgpt/conversations.json", func(w *bytes.Buffer) error {
		_, err := chatgen.ChatGPT(w, chatgen.Options{Seed: 639, Conversations: 5})
		return err
	}},
	{Claude, "claude/conversations.json", func(w *bytes.Buffer) error {
		_, err := chatgen.Claude(w, chatgen.Options{Seed: 639, Conversations: 5})
		return err
	}},
	{Memories, "chatgpt/memories.txt", func(w *bytes.Buffer) error {
		_, err := chatgen.Memories(w, 5, 14)
		return err
	}},
}

// parseAll feeds data in the given chunk sizes (cycled) and closes.
func parseAll(f Format, data []byte, sizes ...int) (Batch, error) {
	p := New(f)
	var all Batch
	for i := 0; len(data) > 0; i++ {
		n := len(data)
		if len(sizes) > 0 {
			n = min(n, max(1, sizes[i%len(sizes)]))
		}
		b, err := p.Feed(data[:n])
		if err != nil {
			return all, err
		}
		all.append(b)
		data = data[n:]
	}
	b, err := p.Close()
	all.append(b)
	return all, err
}

// golden is a readable summary of a batch.
type golden struct {
	Sessions []model.Session `json:"sessions"`
	Turns    []goldenTurn    `json:"turns"`
	Facts    []string        `json:"facts"`
}

type goldenTurn struct {
	ID   string     `json:"id"`
	Role model.Role `json:"role"`
	Time time.Time  `json:"time"`
	Text string     `json:"text"` // the first 60 bytes
}

func summarize(b Batch) golden {
	g := golden{Sessions: b.Sessions, Facts: b.Facts}
	for _, t := range b.Turns {
		g.Turns = append(g.Turns, goldenTurn{t.ID, t.Role, t.Time, clip(t.Text, 60)})
	}
	return g
}

func TestFixturesMatchGolden(t *testing.T) {
	for _, fx := range fixtureList {
		t.Run(fx.path, func(t *testing.T) {
			path := filepath.Join(fixtures, fx.path)
			goldenPath := strings.TrimSuffix(path, filepath.Ext(path)) + ".golden.json"
			if *update {
				var buf bytes.Buffer
				require.NoError(t, fx.gen(&buf))
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
			}
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			b, err := parseAll(fx.format, data)
			require.NoError(t, err)
			got, err := json.MarshalIndent(summarize(b), "", "  ")
			require.NoError(t, err)
			if *update {
				require.NoError(t, os.WriteFile(goldenPath, append(got, '\n'), 0o644))
			}
			want, err := os.ReadFile(goldenPath)
			require.NoError(t, err)
			assert.JSONEq(t, string(want), string(got))
			det, err := Detect(data)
			require.NoError(t, err)
			assert.Equal(t, fx.format, det, "format detection")
		})
	}
}

func TestChunkingDoesNotMatter(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, fx := range fixtureList {
		data, err := os.ReadFile(filepath.Join(fixtures, fx.path))
		require.NoError(t, err)
		want, err := parseAll(fx.format, data)
		require.NoError(t, err)
		for _, sizes := range [][]int{{1}, {2, 3}, {7}, {64}, {4096}, {r.IntN(50) + 1, r.IntN(500) + 1, r.IntN(5000) + 1}} {
			got, err := parseAll(fx.format, data, sizes...)
			require.NoError(t, err, "chunks %v", sizes)
			require.Equal(t, want, got, "%s in chunks of %v", fx.path, sizes)
		}
	}
}

// TestGeneratedExportsImportWhatWasGenerated checks the importer against
// the generator's own count of what must be kept, over many conversations
// with every irregularity the generator makes.
func TestGeneratedExportsImportWhatWasGenerated(t *testing.T) {
	for _, f := range []Format{ChatGPT, Claude} {
		var buf bytes.Buffer
		var st chatgen.Stats
		var err error
		if f == ChatGPT {
			st, err = chatgen.ChatGPT(&buf, chatgen.Options{Seed: 9, Conversations: 300})
		} else {
			st, err = chatgen.Claude(&buf, chatgen.Options{Seed: 9, Conversations: 300})
		}
		require.NoError(t, err)
		b, err := parseAll(f, buf.Bytes(), 1<<16)
		require.NoError(t, err)
		assert.Equal(t, st.Sessions, len(b.Sessions), f)
		assert.Equal(t, st.Turns, len(b.Turns), f)
		users := 0
		ids := map[string]bool{}
		for i, tr := range b.Turns {
			require.NoError(t, tr.Validate())
			if tr.Role == model.RoleUser {
				users++
			}
			assert.False(t, ids[tr.ID], "turn ids are unique")
			ids[tr.ID] = true
			assert.NotContains(t, tr.Text, "image_asset_pointer")
			assert.NotContains(t, tr.Text, "pd.read_csv", "tool calls are skipped")
			assert.NotContains(t, tr.Text, "The user asks about", "thinking is skipped")
			assert.NotContains(t, tr.Text, "user_profile")
			if i > 0 && b.Turns[i-1].Session == tr.Session {
				assert.False(t, tr.Time.Before(b.Turns[i-1].Time), "turns come in time order within a conversation")
			}
		}
		assert.Equal(t, st.UserTurns, users, f)
	}
}

func TestChatGPTBranchesAndSkips(t *testing.T) {
	conv := `[{"id":"c1","title":"Trip","create_time":1700000000.5,"update_time":1700000100,"current_node":"a2",
	"mapping":{
	 "root":{"id":"root","message":null,"parent":null,"children":["sys"]},
	 "sys":{"id":"sys","parent":"root","children":["u1","u1b"],"message":{"id":"sys","author":{"role":"system"},"content":{"content_type":"text","parts":["You are ChatGPT"]}}},
	 "u1":{"id":"u1","parent":"sys","children":["a1"],"message":{"id":"u1","author":{"role":"user"},"create_time":1700000010,"content":{"content_type":"text","parts":["first version"]}}},
	 "a1":{"id":"a1","parent":"u1","children":[],"message":{"id":"a1","author":{"role":"assistant"},"create_time":1700000011,"content":{"content_type":"text","parts":["reply to the first version"]}}},
	 "u1b":{"id":"u1b","parent":"sys","children":["code"],"message":{"id":"u1b","author":{"role":"user"},"create_time":1700000020,"content":{"content_type":"multimodal_text","parts":[{"content_type":"image_asset_pointer","asset_pointer":"file-service://x"},"edited: what is in this photo?"]}}},
	 "code":{"id":"code","parent":"u1b","children":["tool"],"message":{"id":"code","author":{"role":"assistant"},"recipient":"python","content":{"content_type":"code","text":"print(1)"}}},
	 "tool":{"id":"tool","parent":"code","children":["a2"],"message":{"id":"tool","author":{"role":"tool"},"content":{"content_type":"execution_output","text":"1"}}},
	 "a2":{"id":"a2","parent":"tool","children":[],"message":{"id":"a2","author":{"role":"assistant"},"create_time":null,"content":{"content_type":"text","parts":["A harbour at dusk."]}}}
	}}]`
	b, err := parseAll(ChatGPT, []byte(conv))
	require.NoError(t, err)
	require.Len(t, b.Sessions, 1)
	assert.Equal(t, model.Session{ID: "chatgpt.com:c1", Site: "chatgpt.com", Title: "Trip", Start: time.Unix(1700000000, 5e8).UTC()}, b.Sessions[0])
	require.Len(t, b.Turns, 2, "the current branch only, without system and tool messages")
	assert.Equal(t, "chatgpt.com:c1:u1b", b.Turns[0].ID)
	assert.Equal(t, "edited: what is in this photo?", b.Turns[0].Text, "text parts only")
	assert.Equal(t, model.RoleAssistant, b.Turns[1].Role)
	assert.Equal(t, time.Unix(1700000020, 0).UTC().Add(time.Millisecond), b.Turns[1].Time, "a missing time follows the previous message")

	// Without current_node, the newest edit (the last child) is followed.
	noCur := strings.Replace(conv, `"current_node":"a2",`, "", 1)
	b2, err := parseAll(ChatGPT, []byte(noCur))
	require.NoError(t, err)
	assert.Equal(t, b.Turns, b2.Turns)
}

func TestClaude(t *testing.T) {
	conv := `[{"uuid":"k1","name":"","created_at":"2024-05-01T10:00:00.123456+02:00","updated_at":"2024-05-01T11:00:00Z","chat_messages":[
	 {"uuid":"m1","sender":"human","text":"I live in Ghent.","content":[{"type":"text","text":"I live in Ghent."}],"created_at":"2024-05-01T10:00:01Z"},
	 {"uuid":"m2","sender":"assistant","text":"x","content":[{"type":"thinking","thinking":"hmm"},{"type":"tool_use","name":"web_search","input":{}},{"type":"text","text":"Ghent is lovely."},{"type":"text","text":"Anything else?"}]},
	 {"uuid":"m3","sender":"human","text":"","content":[],"created_at":"2024-05-01T10:00:09Z"},
	 {"uuid":"m4","sender":"human","text":"old style","created_at":"2024-05-01T10:00:10Z"}
	]}]`
	b, err := parseAll(Claude, []byte(conv))
	require.NoError(t, err)
	require.Len(t, b.Turns, 3)
	assert.Equal(t, "claude.ai:k1", b.Sessions[0].ID)
	assert.Equal(t, "claude.ai", b.Sessions[0].Site)
	assert.Equal(t, time.Date(2024, 5, 1, 8, 0, 0, 123e6, time.UTC), b.Sessions[0].Start, "UTC, milliseconds")
	assert.Equal(t, "Ghent is lovely.\n\nAnything else?", b.Turns[1].Text)
	assert.Equal(t, time.Date(2024, 5, 1, 10, 0, 1, 1e6, time.UTC), b.Turns[1].Time)
	assert.Equal(t, "old style", b.Turns[2].Text)
	assert.Equal(t, "claude.ai:k1:m4", b.Turns[2].ID)
}

func TestMemories(t *testing.T) {
	b, err := parseAll(Memories, []byte("\ufeffLives in Lisbon.\r\n\n- Has a greyhound named Comet\n  3. Prefers short answers  \n* Vegetarian"), 5)
	require.NoError(t, err)
	assert.Equal(t, []string{"Lives in Lisbon.", "Has a greyhound named Comet", "Prefers short answers", "Vegetarian"}, b.Facts)
}

func TestMalformedInputsGiveOneSpecificError(t *testing.T) {
	long := strings.Repeat("x", 5000)
	cases := []struct {
		format Format
		in     string
		want   string
	}{
		{ChatGPT, ``, "the file is empty"},
		{ChatGPT, `  {"id":"x"}`, "byte 2: the file is a single JSON object"},
		{ChatGPT, `hello`, `byte 0: expected a JSON array of conversations ('['), found 'h'`},
		{ChatGPT, `[{"id":"a","mapping":{}}, 3]`, "conversation 1 (byte 26): expected a JSON object, found '3'"},
		{ChatGPT, `[{"id":"a","mapping":{}},]`, "byte 25: a comma before the end of the conversations array"},
		{ChatGPT, `[{"id":"a","mapping":{}} {"id":"b"}]`, "byte 25: expected ',' or ']' after conversation 0"},
		{ChatGPT, `[{"id":"a","mapping":{}}] x`, "byte 26: unexpected 'x' after the end"},
		{ChatGPT, `[{"id":"a","mapping":{}}`, "before the conversations array is closed (after 1 conversations): it is truncated"},
		{ChatGPT, `[{"id":"a","mapping":{"n":`, "the file ends inside conversation 0 (which starts at byte 1): it is truncated"},
		{ChatGPT, `[{"id":"a","title":5}]`, "conversation 0 (byte 1): title is a JSON number, expected a string"},
		{ChatGPT, `[{"id":"a","mapping":{"n":{"id":"n" "x"}}}]`, "conversation 0 (byte 1): invalid JSON at byte"},
		{ChatGPT, `[{"title":"no id"}]`, `conversation 0 (byte 1): it has no "id" or "conversation_id"`},
		{ChatGPT, `[{"id":"a","current_node":"zz","mapping":{"n":{"id":"n"}}}]`, `current_node "zz" is not in the mapping`},
		{ChatGPT, `[{"id":"a","current_node":"n","mapping":{"n":{"id":"n","parent":"m"},"m":{"id":"m","parent":"n"}}}]`, "the message tree has a cycle"},
		{ChatGPT, `[{"id":"a","create_time":1e300,"mapping":{}}]`, "create_time 1e+300 is not a plausible time"},
		{ChatGPT, `[{"id":"a","current_node":"n","mapping":{"n":{"id":"n","message":{"id":"m","author":{"role":"user"},"content":{"content_type":"text","parts":["hi"]}}}}}]`, `message "n" has no create_time and neither has the conversation`},
		{ChatGPT, `[{"id":"` + strings.Repeat("a", 300) + `","mapping":{}}]`, "conversation id"},
		{Claude, `[{"name":"x","chat_messages":[]}]`, `conversation 0 (byte 1): it has no "uuid"`},
		{Claude, `[{"uuid":"u","chat_messages":[{"uuid":"m","sender":"human","text":"hi","created_at":"yesterday"}]}]`, `message 0 created_at "yesterday" is not an ISO 8601 time`},
		{Claude, `[{"uuid":"u","chat_messages":[{"sender":"human","text":"hi","created_at":"2024-01-01T00:00:00Z"}]}]`, `message 0 has no "uuid"`},
		{Claude, `[{"uuid":"u","chat_messages":{}}]`, "chat_messages is a JSON object, expected an array"},
		{Memories, "", "the file is empty"},
		{Memories, "ok\n" + long + "\n", "line 2 (byte 3) is longer than 1024 bytes"},
		{Memories, "ok\nbad \xff\n", "line 2 (byte 3) is not valid UTF-8"},
		{Memories, "ok\nnul\x00\n", "line 2 (byte 6) holds a control character"},
		{Memories, `[{"uuid":"x"}]`, "line 1 looks like JSON"},
		{Memories, "PK\x03\x04zip", "this is a zip archive"},
	}
	for _, c := range cases {
		for _, sizes := range [][]int{nil, {1}, {3}} {
			_, err := parseAll(c.format, []byte(c.in), sizes...)
			require.Error(t, err, "%s %q", c.format, c.in)
			assert.Contains(t, err.Error(), c.want, "%s %q in chunks of %v", c.format, c.in, sizes)
			assert.True(t, errors.Is(err, ErrMalformed), err)
		}
	}
}

func TestConversationSizeCap(t *testing.T) {
	p := New(ChatGPT)
	_, err := p.Feed([]byte(`[{"id":"a","title":"`))
	require.NoError(t, err)
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	for i := 0; i < 40 && err == nil; i++ {
		_, err = p.Feed(chunk)
	}
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrTooLarge))
	assert.Contains(t, err.Error(), "conversation 0 (byte 1) is larger than 32 MiB")
	_, err2 := p.Feed([]byte("]"))
	assert.Equal(t, err, err2, "errors are sticky")
	_, err2 = p.Close()
	assert.Equal(t, err, err2)
}

func TestDetect(t *testing.T) {
	for in, want := range map[string]Format{
		`[{"title":"x","mapping":{}}]`:                     ChatGPT,
		"\ufeff [\n{\"uuid\":\"x\",\"chat_messages\":[]}]": Claude,
		"Lives in Lisbon\nLikes jazz":                      Memories,
	} {
		f, err := Detect([]byte(in))
		require.NoError(t, err)
		assert.Equal(t, want, f, in)
	}
	for in, want := range map[string]string{"": "empty", "  []": "empty JSON array", `{"a":1}`: "JSON object", `[{"a":1}]`: "neither"} {
		_, err := Detect([]byte(in))
		require.Error(t, err)
		assert.Contains(t, err.Error(), want)
	}
}

func TestUnknownFormat(t *testing.T) {
	_, err := New("bard").Feed([]byte("x"))
	require.ErrorContains(t, err, `unknown import format "bard"`)
}

// TestReaderStringsMatchEncodingJSON checks the hand-written string
// decoder against encoding/json on escapes, surrogates and bad UTF-8.
func TestReaderStringsMatchEncodingJSON(t *testing.T) {
	for _, in := range []string{`"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u4e2d\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`,
		`"\ud83d\u0041"`, `"\ude00"`, "\"caf\xc3\xa9 \xff\xfe\"", `""`, `"tab	in"`} {
		var want string
		werr := json.Unmarshal([]byte(in), &want)
		r := &reader{b: []byte(in)}
		got, gerr := r.str("x")
		if werr != nil {
			assert.Error(t, gerr, in)
			continue
		}
		require.NoError(t, gerr, in)
		assert.Equal(t, want, got, in)
	}
}

// TestByteOrderMark: a whole byte-order mark at the very start is skipped,
// however the input is cut; part of one, or one after other bytes, is
// refused (the fuzzer found "\xef[]" accepted).
func TestByteOrderMark(t *testing.T) {
	for _, format := range []Format{ChatGPT, Claude} {
		for _, sizes := range [][]int{nil, {1}, {2}, {1, 1, 1}} {
			got, err := parseAll(format, []byte("\ufeff[]"), sizes...)
			require.NoError(t, err, "%v %v", format, sizes)
			require.Empty(t, got.Turns)
		}
		for input, want := range map[string]string{
			"\xef[]":          "byte 1: the file starts with an incomplete byte-order mark (1 of its 3 bytes)",
			"\xef\xbb[]":      "byte 2: the file starts with an incomplete byte-order mark (2 of its 3 bytes)",
			"\xef \xbb\xbf[]": "byte 2: the file starts with an incomplete byte-order mark (1 of its 3 bytes)",
			" \ufeff[]":       "byte 1: expected a JSON array of conversations ('[')",
		} {
			for _, sizes := range [][]int{nil, {1}} {
				_, err := parseAll(format, []byte(input), sizes...)
				require.ErrorContains(t, err, want, "%v %q %v", format, input, sizes)
			}
		}
	}
}
