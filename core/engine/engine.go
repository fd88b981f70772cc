// Package engine is Confidant's memory engine: it stores sessions, turns and
// facts, keeps the indexes over them current, and answers recall and context
// requests. It is pure Go: the wasm ABI, the CLI and the tests drive the same
// Engine.
//
// An Engine is not safe for concurrent use; the hosts serialise calls.
package engine

import (
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/confidant-dev/confidant/core/analyze"
	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/index"
	"github.com/confidant-dev/confidant/core/merge"
	"github.com/confidant-dev/confidant/core/model"
)

// Engine is one user's memory store.
type Engine struct {
	an       *analyze.Analyzer
	sessions map[string]*session
	turns    map[string]*turn
	facts    map[string]*model.Fact
	settings model.Settings

	turnIdx *index.Index // one doc per turn
	factIdx *index.Index // one doc per fact: its text (fact-augmented keys)

	turnBySlot []*turn
	sessBySlot []*session // sessions are scored from turnIdx (sessscore.go)
	sessSlots  sessSlots
	factBySlot []string
	factDoc    map[string]int32
	important  map[string]bool // turns that are sources of pinned or edited facts; nil when stale

	// Sync (stamps.go): the device id and its clock (nil until first
	// used), the settings fields' stamps, tombstones, and each session's
	// and fact's encoding at its stamp.
	device    string
	clock     *hlc.Clock
	setStamps [3]hlc.Stamp
	tombs     map[merge.Key]hlc.Stamp
	seen      map[merge.Key]seenVer

	buf buffers
}

type session struct {
	model.Session
	doc    int32   // slot in sessBySlot
	length int32   // its turns' terms, summed: its length as a document
	turns  []*turn // in conversation order (time, then id)
}

type turn struct {
	model.Turn
	doc   int32
	sess  *session
	terms []uint32 // analysed text, in order; shared with turnIdx (and after a load the snapshot's array): never changed in place
	pos   int      // index in sess.turns
}

// New returns an empty engine with default settings.
func New() *Engine {
	return &Engine{
		an:       analyze.New(),
		sessions: make(map[string]*session),
		turns:    make(map[string]*turn),
		facts:    make(map[string]*model.Fact),
		settings: model.DefaultSettings(),
		turnIdx:  index.New(),
		factIdx:  index.New(),
		factDoc:  make(map[string]int32),
		tombs:    make(map[merge.Key]hlc.Stamp),
		seen:     make(map[merge.Key]seenVer),
	}
}

// Errors callers branch on.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid request")
)

// IngestResult counts what an ingest changed.
type IngestResult struct {
	Added    int `json:"added"`
	Updated  int `json:"updated"` // same id, new text/role/time (the user edited a message)
	Skipped  int `json:"skipped"` // already present unchanged (ingest is idempotent by id)
	Facts    int `json:"facts"`   // facts learned or reinforced
	Redacted int `json:"redacted"`
}

// Ingest adds turns (and optional session metadata). It validates the whole
// batch first, so a bad turn rejects the batch and changes nothing.
func (e *Engine) Ingest(sessions []model.Session, turns []model.Turn) (IngestResult, error) {
	var res IngestResult
	for i := range sessions {
		if err := sessions[i].ValidateNew(); err != nil {
			return res, fmt.Errorf("%w: session %d: %w", ErrInvalid, i, err)
		}
	}
	for i := range turns {
		if err := turns[i].ValidateNew(); err != nil {
			return res, fmt.Errorf("%w: turn %d: %w", ErrInvalid, i, err)
		}
	}
	defer e.restamp()
	for _, s := range sessions {
		e.upsertSession(s)
	}
	for _, t := range turns {
		if old, ok := e.turns[t.ID]; ok {
			if e.unchanged(old, t) {
				res.Skipped++
				continue
			}
			// An edited message replaces the old one everywhere, facts
			// learned from it included.
			e.removeTurn(old)
			res.Updated++
		} else {
			res.Added++
		}
		n, red := e.addTurn(t)
		res.Facts += n
		if red {
			res.Redacted++
		}
	}
	return res, nil
}

// unchanged reports whether an incoming turn equals the stored one, as it
// would be stored (after stripping, redaction and truncation).
func (e *Engine) unchanged(old *turn, t model.Turn) bool {
	if old.Session != t.Session || old.Role != t.Role || !old.Time.Equal(storedTime(t.Time)) {
		return false
	}
	text, _ := clean(t.Text)
	return text == old.Text
}

// upsertSession adds or updates a session's metadata (its title redacted
// like any text).
func (e *Engine) upsertSession(s model.Session) *session {
	s.Title, _ = redact(s.Title)
	if cur, ok := e.sessions[s.ID]; ok {
		if s.Site != "" {
			cur.Site = s.Site
		}
		if s.Title != "" {
			cur.Title = s.Title
		}
		if !s.Start.IsZero() && (cur.Start.IsZero() || s.Start.Before(cur.Start)) {
			cur.Start = storedTime(s.Start)
		}
		return cur
	}
	s.Start = storedTime(s.Start)
	ss := &session{Session: s}
	e.sessions[s.ID] = ss
	e.newSessionSlot(ss)
	return ss
}

func (e *Engine) addTurn(t model.Turn) (facts int, redacted bool) {
	t.Text, redacted = clean(t.Text)
	tr := e.storeTurn(t, nil)
	if t.Role == model.RoleUser {
		facts = e.learn(tr)
	}
	return facts, redacted
}

// clean prepares text for storage: Confidant's own injected blocks and
// markers removed, secrets redacted, then cut to MaxTextBytes (redaction
// first, so a secret cannot survive by straddling the cut).
func clean(text string) (string, bool) {
	text, redacted := redact(StripContext(text))
	return truncate(text, model.MaxTextBytes), redacted
}

// storedTime is a time as the engine keeps it: UTC, whole milliseconds
// (what a snapshot can hold), so that re-ingesting a turn after a reload
// finds it unchanged.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// storeTurn files a turn into its session (and the session's length) and
// the turn index; terms are its analysed text, or nil to analyse it now.
func (e *Engine) storeTurn(t model.Turn, terms []uint32) *turn {
	t.Time = storedTime(t.Time)
	ss := e.sessions[t.Session]
	if ss == nil {
		ss = e.upsertSession(model.Session{ID: t.Session, Start: t.Time})
	} else if ss.Start.IsZero() || t.Time.Before(ss.Start) {
		ss.Start = t.Time
	}
	t.Stamp = e.stampNew(merge.Key{Kind: merge.KindTurn, ID: t.ID})
	tr := &turn{Turn: t, sess: ss, doc: e.turnIdx.NewDoc()}
	tr.terms = terms
	if terms == nil {
		tr.terms = e.an.AppendIDs(nil, t.Text)
	}
	e.turnIdx.Add(tr.doc, tr.terms)
	tr.terms = e.turnIdx.Terms(tr.doc) // the index's copy: one copy per turn
	ss.length += int32(len(tr.terms))
	setSlot(&e.turnBySlot, tr.doc, tr)
	e.turns[t.ID] = tr
	i, _ := slices.BinarySearchFunc(ss.turns, tr, turnOrder)
	ss.turns = slices.Insert(ss.turns, i, tr)
	ss.renumber(i)
	return tr
}

// renumber sets the positions of the session's turns from index i on.
func (s *session) renumber(i int) {
	for ; i < len(s.turns); i++ {
		s.turns[i].pos = i
	}
}

// turnOrder orders a session's turns (turnOrderOf).
func turnOrder(a, b *turn) int { return turnOrderOf(&a.Turn, &b.Turn) }

func setSlot[T any](s *[]T, d int32, v T) {
	for int(d) >= len(*s) {
		var zero T
		*s = append(*s, zero)
	}
	(*s)[d] = v
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Settings returns the current settings.
func (e *Engine) Settings() model.Settings { return e.settings }

// SetSettings replaces the settings after validating them.
func (e *Engine) SetSettings(s model.Settings) error {
	if err := validSettings(s); err != nil {
		return err
	}
	for i := range e.setStamps {
		if !settingEqual(&e.settings, &s, i) {
			e.setStamps[i] = e.stampEdit(e.setStamps[i])
		}
	}
	e.settings = s
	return nil
}

func validSettings(s model.Settings) error {
	if s.TokenBudget < 50 || s.TokenBudget > 4000 {
		return fmt.Errorf("%w: token_budget must be between 50 and 4000, got %d", ErrInvalid, s.TokenBudget)
	}
	if s.MaxMemories < 0 || s.MaxMemories > 50 {
		return fmt.Errorf("%w: max_memories must be between 0 and 50, got %d", ErrInvalid, s.MaxMemories)
	}
	for _, c := range s.Consent {
		if !model.ValidCategory(c) {
			return fmt.Errorf("%w: unknown category %q in consent", ErrInvalid, c)
		}
	}
	return nil
}

// Stats summarises the store.
type Stats struct {
	Sessions     int `json:"sessions"`
	Turns        int `json:"turns"`
	UserTurns    int `json:"user_turns"`
	Facts        int `json:"facts"`
	CurrentFacts int `json:"current_facts"`
	Terms        int `json:"terms"`
}

// Stats returns counts of what is stored.
func (e *Engine) Stats() Stats {
	st := Stats{Sessions: len(e.sessions), Turns: len(e.turns), Facts: len(e.facts)}
	for _, t := range e.turnBySlot {
		if t != nil && t.Role == model.RoleUser {
			st.UserTurns++
		}
	}
	for _, f := range e.facts {
		if f.Current() {
			st.CurrentFacts++
		}
	}
	st.Terms = e.turnIdx.Vocabulary()
	return st
}

// now is the engine's clock, replaceable in tests.
var now = func() time.Time { return time.Now().UTC() }
