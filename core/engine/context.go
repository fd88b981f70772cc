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

// Bounds on a context request.
const (
	maxBudget  = 8000 // tokens
	maxExclude = 256  // items the user removed in the preview
)

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
	if budget < 0 || budget > maxBudget {
		return ContextReply{}, fmt.Errorf("%w: budget must be between 1 and %d tokens, got %d", ErrInvalid, maxBudget, budget)
	}
	if len(req.Exclude) > maxExclude {
		return ContextReply{}, fmt.Errorf("%w: at most %d excluded items, got %d", ErrInvalid, maxExclude, len(req.Exclude))
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
			K: min(3*e.settings.MaxMemories+len(req.Exclude), MaxK)})
		if err != nil {
			return ContextReply{}, err
		}
		withheld := map[string]bool{}
		// A turn that disclosed something sensitive is as sensitive as the
		// fact: without consent for that category it is never injected.
		for _, f := range e.facts {
			if !e.allowed(*f) {
				for _, src := range f.Sources {
					withheld[src] = true
				}
			}
		}
		perSession := map[string]int{}
		prompt := normalize(req.Text)
		n := 0
		for _, h := range hits {
			if n == e.settings.MaxMemories {
				break
			}
			// Diversity: more than maxPerSession turns of one conversation
			// crowd out the rest of the user's history. An earlier asking
			// of this same prompt (the best lexical match by construction)
			// tells the assistant nothing it is not about to read.
			if excluded(h.ID) || withheld[h.ID] || perSession[h.Session] == maxPerSession || normalize(h.Text) == prompt {
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
		text := unmark(it.Text)
		line := "- " + text + "\n"
		if it.Date != "" {
			line = "- (" + it.Date + ") " + text + "\n"
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
// An unterminated block is removed to the end, since it can only be ours,
// and a stray end marker is removed too: stored text must never be able to
// close an injected block early.
func StripContext(text string) string {
	for {
		i := strings.Index(text, MarkerBegin)
		if i < 0 {
			return strings.ReplaceAll(text, MarkerEnd, "")
		}
		j := strings.Index(text[i:], MarkerEnd)
		if j < 0 {
			return strings.TrimSpace(text[:i])
		}
		text = strings.TrimSpace(text[:i] + text[i+j+len(MarkerEnd):])
	}
}

// unmark removes marker strings from text placed inside a block (stored
// text is already clean; this also covers facts the user typed).
func unmark(text string) string {
	return strings.ReplaceAll(strings.ReplaceAll(text, MarkerBegin, ""), MarkerEnd, "")
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
	// Life domains only count for a prompt about the user: "explain how TCP
	// congestion control works" is not about the user's work.
	domains := map[model.Category]bool{}
	if e.personal(q.text) {
		domains = e.domains(q)
	}
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

// matchingFacts returns the ids of facts whose own words pass the
// relevance gate for the prompt.
func (e *Engine) matchingFacts(q *query) map[string]bool {
	out := map[string]bool{}
	if e.factIdx.Len() == 0 || len(q.weights) == 0 {
		return out
	}
	sc := e.buf.get(bufFact, e.factIdx.Slots())
	cov := e.buf.get(bufFactCoverage, e.factIdx.Slots())
	need := gateNeed(q, e.factIdx, e.personal(q.text))
	for _, d := range e.factIdx.ScoreCoverage(q.weights, sc, cov, nil) {
		if cov[d] >= need {
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
