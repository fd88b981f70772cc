package export

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/model"
)

// WriteMarkdown writes st for people to read (see "Markdown export" in the
// package doc). It is not an archive: nothing imports it.
func WriteMarkdown(w io.Writer, st *model.State, at time.Time) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	sessions, err := groupSessions(st)
	if err != nil {
		return err
	}
	current, superseded := 0, 0
	for i := range st.Facts {
		if st.Facts[i].Current() {
			current++
		} else {
			superseded++
		}
	}
	fmt.Fprintf(bw, "# Confidant profile\n\n")
	fmt.Fprintf(bw, "Exported %s. %s, %s in %s.\n\n", at.UTC().Format("2006-01-02 15:04 UTC"),
		plural(current, "current fact"), plural(len(st.Turns), "message"), plural(len(sessions), "conversation"))
	fmt.Fprintf(bw, "*This file is for reading. It cannot be imported: to move a profile, use the JSON or age export.*\n\n")

	fmt.Fprintf(bw, "## What Confidant knows about you\n\n")
	if current == 0 {
		fmt.Fprintf(bw, "No facts yet.\n\n")
	}
	byID := make(map[string]*model.Fact, len(st.Facts))
	for i := range st.Facts {
		byID[st.Facts[i].ID] = &st.Facts[i]
	}
	for _, cat := range categories(st.Facts) {
		var fs []*model.Fact
		for i := range st.Facts {
			if f := &st.Facts[i]; f.Current() && f.Category == cat {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		sortFacts(fs)
		fmt.Fprintf(bw, "### %s\n\n", title(string(cat)))
		for _, f := range fs {
			fmt.Fprintf(bw, "- %s%s\n", factLine(f), marks(f))
		}
		bw.WriteString("\n")
	}
	if superseded > 0 {
		fmt.Fprintf(bw, "### No longer true\n\n")
		var fs []*model.Fact
		for i := range st.Facts {
			if f := &st.Facts[i]; !f.Current() {
				fs = append(fs, f)
			}
		}
		slices.SortFunc(fs, func(a, b *model.Fact) int {
			return cmp.Or(cmp.Compare(a.Category, b.Category), cmp.Compare(a.Slot, b.Slot), b.ValidFrom.Compare(a.ValidFrom), cmp.Compare(a.ID, b.ID))
		})
		for _, f := range fs {
			by := "a newer fact"
			if n := byID[f.SupersededBy]; n != nil {
				by = "“" + Escape(oneLine(n.Text)) + "”"
			}
			fmt.Fprintf(bw, "- %s (%s) — replaced by %s%s\n", factLine(f), cat(f.Category), by, marks(f))
		}
		bw.WriteString("\n")
	}

	fmt.Fprintf(bw, "## Conversations\n\n")
	if len(sessions) == 0 {
		fmt.Fprintf(bw, "No conversations yet.\n\n")
	}
	day := ""
	for _, s := range sessions {
		start := s.Start
		if start.IsZero() && len(s.Turns) > 0 {
			start = s.Turns[0].Time
		}
		if d := start.UTC().Format("Monday, 2 January 2006"); d != day {
			day = d
			fmt.Fprintf(bw, "### %s\n\n", d)
		}
		name := s.Title
		if strings.TrimSpace(name) == "" {
			name = "Untitled conversation"
		}
		fmt.Fprintf(bw, "#### %s\n\n", Escape(oneLine(name)))
		meta := start.UTC().Format("15:04 UTC")
		if s.Site != "" {
			meta = Escape(oneLine(s.Site)) + " · " + meta
		}
		fmt.Fprintf(bw, "*%s · %s*\n\n", meta, plural(len(s.Turns), "message"))
		for _, t := range s.Turns {
			who := "You"
			if t.Role == model.RoleAssistant {
				who = "Assistant"
			} else if t.Role != model.RoleUser {
				who = Escape(oneLine(string(t.Role)))
			}
			fmt.Fprintf(bw, "**%s** · %s\n\n", who, t.Time.UTC().Format("15:04"))
			bw.WriteString(quote(t.Text))
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}

// MarshalMarkdown returns the Markdown export of st.
func MarshalMarkdown(st *model.State, at time.Time) ([]byte, error) {
	var buf bytes.Buffer
	err := WriteMarkdown(&buf, st, at)
	return buf.Bytes(), err
}

// categories lists the categories of facts: model.Categories in order,
// then any others by name.
func categories(fs []model.Fact) []model.Category {
	out := slices.Clone(model.Categories)
	for _, f := range fs {
		if !slices.Contains(out, f.Category) {
			out = append(out, f.Category)
		}
	}
	slices.Sort(out[len(model.Categories):])
	return out
}

// sortFacts puts pinned facts first, then by slot and id.
func sortFacts(fs []*model.Fact) {
	slices.SortFunc(fs, func(a, b *model.Fact) int {
		if a.Pinned != b.Pinned {
			if a.Pinned {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.Slot, b.Slot); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

func factLine(f *model.Fact) string {
	text := f.Text
	if strings.TrimSpace(text) == "" {
		text = f.Value
	}
	s := Escape(oneLine(text))
	if !f.ValidFrom.IsZero() {
		s += " (since " + f.ValidFrom.UTC().Format("2 January 2006") + ")"
	}
	return s
}

func marks(f *model.Fact) string {
	var m []string
	if f.Pinned {
		m = append(m, "📌 pinned")
	}
	if f.Sensitivity == model.Sensitive {
		m = append(m, "🔒 sensitive")
	}
	if f.UserEdited {
		m = append(m, "edited by you")
	}
	if len(m) == 0 {
		return ""
	}
	return " — *" + strings.Join(m, ", ") + "*"
}

func cat(c model.Category) string { return Escape(oneLine(string(c))) }

func title(s string) string {
	s = Escape(oneLine(s))
	if s == "" {
		return "Uncategorised"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// quote renders a chat message as a block quote of escaped text: line
// breaks are kept (hard breaks), blank lines separate paragraphs.
func quote(text string) string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(strings.TrimRight(text, "\n \t"), "\n")
	var b strings.Builder
	for i, line := range lines {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			b.WriteString(">\n")
			continue
		}
		// Leading blanks would make an indented code block or a lazy
		// continuation; they are kept visible as no-break spaces.
		trimmed := strings.TrimLeft(line, " \t")
		indent := len(line) - len(trimmed)
		b.WriteString("> ")
		b.WriteString(strings.Repeat("\u00a0", indent))
		esc := escapeLine(trimmed)
		b.WriteString(esc)
		if i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
			// A hard line break: a backslash, or two spaces after a line
			// ending in an escaped backslash (which some renderers read
			// as escaping the break).
			if strings.HasSuffix(esc, "\\") {
				b.WriteString("  ")
			} else {
				b.WriteString("\\")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Escape makes s (one line) render as exactly its text in CommonMark and
// GitHub-flavoured Markdown: every character that could start markup is
// backslash-escaped.
func Escape(s string) string { return escapeLine(s) }

// special are the ASCII punctuation characters that can start or close
// Markdown markup anywhere in a line: emphasis, code, links and images,
// HTML and autolinks, entities, tables, strikethrough, and the backslash.
const special = "\\`*_[]<>&|~!"

func escapeLine(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i, r := range s {
		switch {
		case r < 0x80 && strings.ContainsRune(special, r):
			b.WriteByte('\\')
		case i == 0 && strings.ContainsRune("#-+=>", r):
			// Headings, list items, setext underlines, quotes at the
			// start of a line.
			b.WriteByte('\\')
		case (r == '.' || r == ')') && i > 0 && allDigits(s[:i]):
			// An ordered list item: "1. " or "1) ".
			b.WriteByte('\\')
		case r == 'w' && strings.HasPrefix(s[i:], "www.") || r == ':' && strings.HasPrefix(s[i:], "://"):
			// GFM's extended autolinks (www.example.com, https://…)
			// need no brackets; breaking them keeps them text.
			b.WriteRune(r)
			b.WriteString("\u2060") // word joiner: invisible
			continue
		case r == '@':
			// GFM's email autolinks.
			b.WriteString("\u2060@\u2060")
			continue
		case r < 0x20 && r != '\t':
			b.WriteRune('\uFFFD')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func allDigits(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
