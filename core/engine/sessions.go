package engine

import (
	"cmp"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/confidant-dev/confidant/core/internal/order"
	"github.com/confidant-dev/confidant/core/model"
)

// Paging bounds for the session browser.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
	// MaxSessionQueryBytes bounds a sessions.list query: it is a plain
	// substring, not a search language.
	MaxSessionQueryBytes = 256
	// titleRunes is about how long a fallback title is.
	titleRunes = 80
)

// Page selects a window of a list. A nil Limit means DefaultPageLimit.
type Page struct {
	Limit  *int `json:"limit,omitempty"`
	Offset int  `json:"offset,omitempty"`
}

// window validates the page and returns [lo, hi) for a list of n items.
func (p Page) window(n int) (lo, hi int, err error) {
	limit := DefaultPageLimit
	if p.Limit != nil {
		limit = *p.Limit
	}
	if limit < 1 || limit > MaxPageLimit {
		return 0, 0, fmt.Errorf("%w: limit must be between 1 and %d, got %d", ErrInvalid, MaxPageLimit, limit)
	}
	if p.Offset < 0 {
		return 0, 0, fmt.Errorf("%w: offset must be 0 or more, got %d", ErrInvalid, p.Offset)
	}
	lo = min(p.Offset, n)
	return lo, min(lo+limit, n), nil
}

// SessionFilter selects sessions to list. A session matches the time
// window when its span [start, last] overlaps [From, To).
type SessionFilter struct {
	Site  string    `json:"site,omitempty"`  // exact site
	From  time.Time `json:"from,omitzero"`   // inclusive
	To    time.Time `json:"to,omitzero"`     // exclusive
	Query string    `json:"query,omitempty"` // case-insensitive substring of the title or a turn's text
	Page
}

// SessionSummary describes one conversation.
type SessionSummary struct {
	ID        string    `json:"id"`
	Site      string    `json:"site"`
	Title     string    `json:"title"` // the session's title, else the start of its first user turn
	Start     time.Time `json:"start"`
	Last      time.Time `json:"last"` // the last turn's time (start when it has no turns)
	Turns     int       `json:"turns"`
	UserTurns int       `json:"user_turns"`
}

// SessionList is one page of sessions, newest first, and how many matched.
type SessionList struct {
	Sessions []SessionSummary `json:"sessions"`
	Total    int              `json:"total"`
}

// SessionGet names a session and a page of its turns.
type SessionGet struct {
	ID string `json:"id"`
	Page
}

// SessionTurn is one turn as the session view shows it.
type SessionTurn struct {
	ID   string     `json:"id"`
	Role model.Role `json:"role"`
	Text string     `json:"text"`
	Time time.Time  `json:"time"`
}

// SessionDetail is a session's summary and a page of its turns in
// conversation order.
type SessionDetail struct {
	Session SessionSummary `json:"session"`
	Turns   []SessionTurn  `json:"turns"`
}

// Sessions lists the sessions matching f, newest first (by last turn
// time, then id).
func (e *Engine) Sessions(f SessionFilter) (SessionList, error) {
	if len(f.Query) > MaxSessionQueryBytes {
		return SessionList{}, fmt.Errorf("%w: query must be at most %d bytes, got %d", ErrInvalid, MaxSessionQueryBytes, len(f.Query))
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return SessionList{}, fmt.Errorf("%w: from (%s) must be before to (%s)", ErrInvalid, f.From.Format(time.RFC3339), f.To.Format(time.RFC3339))
	}
	if _, _, err := f.window(0); err != nil {
		return SessionList{}, err
	}
	q := strings.ToLower(f.Query)
	var all []SessionSummary
	for _, s := range e.sessions {
		if f.Site != "" && s.Site != f.Site {
			continue
		}
		sum := s.summary()
		if !f.From.IsZero() && sum.Last.Before(f.From) {
			continue
		}
		if !f.To.IsZero() && !sum.Start.Before(f.To) {
			continue
		}
		if q != "" && !s.contains(q) {
			continue
		}
		all = append(all, sum)
	}
	order.SortFunc(all, func(a, b *SessionSummary) int {
		return cmp.Or(b.Last.Compare(a.Last), cmp.Compare(a.ID, b.ID))
	})
	lo, hi, _ := f.window(len(all))
	out := SessionList{Sessions: make([]SessionSummary, 0, hi-lo), Total: len(all)}
	out.Sessions = append(out.Sessions, all[lo:hi]...)
	return out, nil
}

// Session returns a session's summary and a page of its turns.
func (e *Engine) Session(r SessionGet) (SessionDetail, error) {
	if err := model.ValidateID(r.ID); err != nil {
		return SessionDetail{}, fmt.Errorf("%w: session id: %w", ErrInvalid, err)
	}
	s, ok := e.sessions[r.ID]
	if !ok {
		return SessionDetail{}, fmt.Errorf("session %q: %w", r.ID, ErrNotFound)
	}
	lo, hi, err := r.window(len(s.turns))
	if err != nil {
		return SessionDetail{}, err
	}
	d := SessionDetail{Session: s.summary(), Turns: make([]SessionTurn, 0, hi-lo)}
	for _, t := range s.turns[lo:hi] {
		d.Turns = append(d.Turns, SessionTurn{ID: t.ID, Role: t.Role, Text: t.Text, Time: t.Time})
	}
	return d, nil
}

func (s *session) summary() SessionSummary {
	sum := SessionSummary{ID: s.ID, Site: s.Site, Title: s.Title, Start: s.Start, Last: s.Start, Turns: len(s.turns)}
	if n := len(s.turns); n > 0 {
		sum.Last = s.turns[n-1].Time
		if sum.Start.IsZero() {
			sum.Start = s.turns[0].Time
		}
	}
	for _, t := range s.turns {
		if t.Role != model.RoleUser {
			continue
		}
		if sum.UserTurns == 0 && sum.Title == "" {
			sum.Title = fallbackTitle(t.Text)
		}
		sum.UserTurns++
	}
	return sum
}

// contains reports whether the lower-cased q occurs in the session's
// title or any turn's text (case-insensitively).
func (s *session) contains(q string) bool {
	if strings.Contains(strings.ToLower(s.Title), q) {
		return true
	}
	for _, t := range s.turns {
		if strings.Contains(strings.ToLower(t.Text), q) {
			return true
		}
	}
	return false
}

// fallbackTitle is text on one line, cut to about titleRunes at a word
// boundary with an ellipsis.
func fallbackTitle(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= titleRunes {
		return text
	}
	cut := titleRunes
	for i := titleRunes; i > titleRunes/2; i-- {
		if unicode.IsSpace(r[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(r[:cut]), func(c rune) bool {
		return unicode.IsSpace(c) || unicode.IsPunct(c)
	}) + "…"
}
