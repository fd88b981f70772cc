package export

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// hostile are chat texts that would be markup if written out as they are.
var hostile = []string{
	"# Heading\n## another",
	"<script>alert(1)</script> <img src=x onerror=alert(1)>",
	"[click](javascript:alert(1)) ![img](http://x/y.png) [ref]: http://evil",
	"**bold** _em_ *em* ~~struck~~ `code`",
	"| a | b |\n|---|---|\n| 1 | 2 |",
	"---\n***\n___",
	"1. one\n2) two\n- dash\n+ plus\n* star",
	"> quoted\n>> nested",
	"Title\n=====",
	"```go\nfunc main() {}\n```",
	"    indented code\n\ttabbed",
	"visit www.example.com or https://example.com or mail me@example.com",
	"&amp; &lt; &#60; \\* backslash\\",
	"line one  \nline two\\\nline three",
	"<!-- comment --> <div>block</div>",
	"- [ ] task\n- [x] done",
	"[^1] footnote\n\n[^1]: note",
	"text with \x00 control \x1b[31m chars",
}

func render(t *testing.T, md []byte) string {
	var out bytes.Buffer
	require.NoError(t, goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote)).Convert(md, &out))
	return out.String()
}

var tag = regexp.MustCompile(`</?([a-z0-9]+)[^>]*>`)

// visible is the text a reader sees in rendered HTML: tags removed,
// entities decoded, the invisible word joiners and the no-break spaces of
// kept indentation undone.
func visible(h string) string {
	h = tag.ReplaceAllString(h, "")
	h = html.UnescapeString(h)
	h = strings.ReplaceAll(h, "\u2060", "")
	return strings.ReplaceAll(h, "\u00a0", " ")
}

// TestMarkdownEscapesHostileText: each hostile text, as a chat message, a
// fact and a title, renders (CommonMark + GFM) as exactly its text, inside
// no markup but the export's own.
func TestMarkdownEscapesHostileText(t *testing.T) {
	for _, text := range hostile {
		md := quote(text)
		h := render(t, []byte(md))
		for _, m := range tag.FindAllStringSubmatch(h, -1) {
			assert.Contains(t, []string{"blockquote", "p", "br"}, m[1], "text %q renders a <%s>: %s", text, m[1], h)
		}
		want := text
		want = strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\n' && r != '\t' {
				return '\uFFFD'
			}
			return r
		}, want)
		var lines []string
		for _, l := range strings.Split(want, "\n") {
			lines = append(lines, strings.ReplaceAll(strings.TrimRight(l, " \t"), "\t", " "))
		}
		got := strings.TrimSpace(visible(h))
		got = strings.Join(strings.Fields(got), " ")
		assert.Equal(t, strings.Join(strings.Fields(strings.Join(lines, "\n")), " "), got, "text %q", text)

		line := "- " + Escape(oneLine(text))
		h = render(t, []byte(line))
		for _, m := range tag.FindAllStringSubmatch(h, -1) {
			assert.Contains(t, []string{"ul", "li"}, m[1], "fact %q renders a <%s>: %s", text, m[1], h)
		}
		assert.Equal(t, strings.Join(strings.Fields(want), " "), strings.TrimSpace(visible(h)))
	}
}

// TestMarkdownExport: the whole export renders with the profile's facts by
// category (pinned first, superseded apart, sensitive marked) and the
// conversations by date.
func TestMarkdownExport(t *testing.T) {
	e := Sample(t)
	t0 := time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)
	var turns []model.Turn
	for i, h := range hostile {
		turns = append(turns, model.Turn{ID: "h" + string(rune('a'+i)), Session: "hostile", Role: model.RoleUser, Text: h, Time: t0.Add(time.Duration(i) * time.Minute)})
	}
	_, err := e.Ingest([]model.Session{{ID: "hostile", Site: "chatgpt", Title: "<b>x</b> # [t](u)", Start: t0}}, turns)
	require.NoError(t, err)
	md, err := MarshalMarkdown(e.State(), at)
	require.NoError(t, err)
	s := string(md)
	assert.Contains(t, s, "cannot be imported")
	assert.Contains(t, s, "### Location\n\n- Lives in Lisbon")
	assert.Contains(t, s, "### No longer true\n\n- Lives in Berlin")
	assert.Contains(t, s, "replaced by “Lives in Lisbon”")
	assert.Contains(t, s, "### Health\n\n- Has asthma (since 3 May 2024) — *📌 pinned, 🔒 sensitive*")
	assert.Contains(t, s, "Has a greyhound called Comet (since 1 May 2024) — *edited by you*")
	assert.Contains(t, s, "### Wednesday, 1 May 2024")
	assert.Less(t, strings.Index(s, "1 May 2024\n"), strings.Index(s, "3 May 2024\n"), "conversations by date")
	h := render(t, md)
	for _, bad := range []string{"<script", "<img", "<a ", "<table", "<del", "<code", "<pre", "<h1>Heading", "<strong>bold", "<b>", "<div", "<!--", "<input", "<ol"} {
		assert.NotContains(t, h, bad)
	}
	assert.Equal(t, 1, strings.Count(h, "<h1>"), "only the export's own title")
	// The export's own structure survives.
	assert.Contains(t, h, "<h2>What Confidant knows about you</h2>")
	assert.Contains(t, h, "<h4>&lt;b&gt;x&lt;/b&gt; # [t](u)</h4>")
	assert.Contains(t, h, "<strong>You</strong>")
	_ = engine.New
}
