package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/model"
)

// Markers wrap every injected block. Capture strips everything between them
// (StripContext) so that injected memories are never learned back.
const (
	MarkerBegin = "[confidant:memory]"
	MarkerEnd   = "[/confidant:memory]"
)

// ContextRequest asks for the block to inject before a prompt.
type ContextRequest struct {
	Text   string    `json:"text"`
	Time   time.Time `json:"time,omitempty"`
	Budget int       `json:"budget,omitempty"` // tokens; 0 means the settings' budget
	// Exclude lists item ids the user removed in the preview.
	Exclude []string `json:"exclude,omitempty"`
}

// ContextItem is one line of the block, with why it is there.
type ContextItem struct {
	Kind     string         `json:"kind"` // "profile" or "memory"
	ID       string         `json:"id"`
	Text     string         `json:"text"`
	Date     string         `json:"date,omitempty"` // YYYY-MM-DD
	Category model.Category `json:"category,omitempty"`
	Why      []string       `json:"why,omitempty"`
}

// ContextReply is the rendered block ("" when nothing is relevant) and its
// items.
type ContextReply struct {
	Text   string        `json:"text"`
	Items  []ContextItem `json:"items"`
	Tokens int           `json:"tokens"`
}

// maxPerSession caps the memories injected from one conversation.
const maxPerSession = 2

// memorySnippetRunes caps one memory line: long enough for a sentence or two
// of what the user said, short enough that five fit in the default budget.
const memorySnippetRunes = 240

// Context renders the block for a prompt within the token budget: profile
// facts first (pinned, or in the prompt's life domain), then retrieved
// memories, each dated. Sensitive facts appear only with consent for their
// category. Output is deterministic for a given store and request.
func (e *Engine) Context(req ContextRequest) (ContextReply, error) {
	if req.Time.IsZero() {
		req.Time = now()
	}
	budget := req.Budget
	if budget == 0 {
		budget = e.settings.TokenBudget
	}
	if budget < 0 || budget > 8000 {
		return ContextReply{}, fmt.Errorf("%w: budget must be between 1 and 8000 tokens, got %d", ErrInvalid, budget)
	}
	excluded := func(id string) bool { return slices.Contains(req.Exclude, id) }
	q := e.parseQuery(RecallRequest{Text: req.Text, Time: req.Time})
	var items []ContextItem
	facts, why := e.profileFacts(q)
	for _, f := range facts {
		if !excluded(f.ID) {
			items = append(items, ContextItem{Kind: "profile", ID: f.ID, Text: f.Text, Category: f.Category,
				Date: day(f.ValidFrom), Why: []string{why[f.ID]}})
		}
	}
	if e.settings.MaxMemories > 0 {
		// Ask for more than needed: some hits are skipped below.
		hits, err := e.Recall(RecallRequest{Text: req.Text, Time: req.Time, Unit: UnitTurn, Role: model.RoleUser,
			K: 3*e.settings.MaxMemories + len(req.Exclude)})
		if err != nil {
			return ContextReply{}, err
		}
		shown := map[string]bool{} // turns already represented by a profile fact
		for _, f := range facts {
			for _, src := range f.Sources {
				shown[src] = true
			}
		}
		perSession := map[string]int{}
		n := 0
		for _, h := range hits {
			if n == e.settings.MaxMemories {
				break
			}
			// Diversity: a memory already stated as a fact adds nothing, and
			// more than maxPerSession turns of one conversation crowd out the
			// rest of the user's history.
			if excluded(h.ID) || shown[h.ID] || perSession[h.Session] == maxPerSession {
				continue
			}
			n++
			perSession[h.Session]++
			items = append(items, ContextItem{Kind: "memory", ID: h.ID, Text: snippet(h.Text, memorySnippetRunes),
				Date: day(h.Time), Why: h.Why})
		}
	}
	return render(items, budget), nil
}

// render writes items in order until the budget is spent; an item that
// does not fit is dropped whole (never cut mid-line).
func render(items []ContextItem, budget int) ContextReply {
	out := ContextReply{Items: []ContextItem{}}
	if len(items) == 0 {
		return out
	}
	head := MarkerBegin + "\nContext about me from my earlier chats (use it only if relevant):\n"
	tail := MarkerEnd + "\n"
	var b strings.Builder
	used := Tokens(head) + Tokens(tail)
	for _, it := range items {
		line := "- " + it.Text + "\n"
		if it.Date != "" {
			line = "- (" + it.Date + ") " + it.Text + "\n"
		}
		if used+Tokens(line) > budget {
			continue
		}
		used += Tokens(line)
		b.WriteString(line)
		out.Items = append(out.Items, it)
	}
	if len(out.Items) == 0 {
		return out
	}
	out.Text = head + b.String() + tail
	out.Tokens = used
	return out
}

// Tokens estimates the model tokens of s: about four bytes of English per
// token for BPE tokenizers (OpenAI's rule of thumb), rounded up.
func Tokens(s string) int { return (len(s) + 3) / 4 }

// StripContext removes every injected block (marker to marker) from text.
// An unterminated block is removed to the end, since it can only be ours.
func StripContext(text string) string {
	for {
		i := strings.Index(text, MarkerBegin)
		if i < 0 {
			return text
		}
		j := strings.Index(text[i:], MarkerEnd)
		if j < 0 {
			return strings.TrimSpace(text[:i])
		}
		text = strings.TrimSpace(text[:i] + text[i+j+len(MarkerEnd):])
	}
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// profileFacts returns the current facts to show before memories: pinned
// ones, those in a life domain the prompt touches (a dinner question brings
// the peanut allergy), and those whose own words match the prompt
// ("recommend a tea" brings "prefers tea over coffee"). Sensitive
// categories need the user's consent. Order: pinned, then by category and
// slot (Facts' order).
func (e *Engine) profileFacts(q *query) (facts []model.Fact, why map[string]string) {
	domains := e.domains(q)
	matching := e.matchingFacts(q)
	why = map[string]string{}
	var rest []model.Fact
	for _, f := range e.Facts(FactFilter{}) {
		switch {
		case !e.allowed(f):
		case f.Pinned:
			facts = append(facts, f)
			why[f.ID] = "pinned"
		case matching[f.ID]:
			rest = append(rest, f)
			why[f.ID] = "profile fact that mentions the prompt's words"
		case domains[f.Category]:
			rest = append(rest, f)
			why[f.ID] = "profile: the prompt is about " + string(f.Category)
		}
	}
	return append(facts, rest...), why
}

// matchingFacts returns the ids of facts whose text shares at least one
// query word of above-median rarity in the fact index.
func (e *Engine) matchingFacts(q *query) map[string]bool {
	out := map[string]bool{}
	if e.factIdx.Len() == 0 || len(q.weights) == 0 {
		return out
	}
	sc := e.buf.get(bufFact, e.factIdx.Slots())
	cov := e.buf.get(bufCoverage, e.factIdx.Slots())
	docs := e.factIdx.ScoreCoverage(q.weights, sc, cov, nil)
	var total float64
	for _, w := range q.weights {
		total += e.factIdx.IDF(w.ID) * w.Weight
	}
	for _, d := range docs {
		if cov[d] >= gateShare*total {
			out[e.factBySlot[d]] = true
		}
	}
	return out
}

// allowed reports whether a fact may be injected: normal, or sensitive with
// consent for its category.
func (e *Engine) allowed(f model.Fact) bool {
	return f.Sensitivity != model.Sensitive || slices.Contains(e.settings.Consent, f.Category)
}
