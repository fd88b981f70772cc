package engine

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/confidant-dev/confidant/core/extract"
	"github.com/confidant-dev/confidant/core/internal/order"
	"github.com/confidant-dev/confidant/core/model"
)

// DedupWindow is how far apart in time an imported turn and a stored turn
// with the same site, role and text may be and still be the same message.
// The export's times are the chat service's clock; a live-captured turn's
// time is this device's clock when the reply finished. They normally agree
// within seconds, but a device clock set to local time while claiming UTC
// is off by its time-zone offset (up to 12 hours either way in practice),
// and a reply captured when a tab is reopened lags by hours. Twelve hours
// absorbs both, and is still short enough that the same words on another
// day (a daily "plan my day" prompt) are kept as separate memories.
const DedupWindow = 12 * time.Hour

// MaxStagedTurns bounds the turns one import may hold before it is applied
// (about the largest real export, tens of thousands of conversations). The
// staged turns live in memory until Commit.
const MaxStagedTurns = 2_000_000

var maxStagedTurns = MaxStagedTurns // lowered by tests

// minLinkText is the normalised length from which a text match is taken as
// evidence that an imported conversation is one already captured live.
// Shorter texts ("thanks", "yes, go on") recur in unrelated conversations;
// they are duplicates only inside a conversation linked by a longer match.
const minLinkText = 16

// ImportTotals count what an import staged (running totals) or applied.
type ImportTotals struct {
	Sessions   int   `json:"sessions"`   // new conversations
	Turns      int   `json:"turns"`      // new turns
	Facts      int   `json:"facts"`      // memory lines added, plus fact statements found in new user turns
	Duplicates int   `json:"duplicates"` // turns and memories already stored (same id, or the same message captured live)
	Redacted   int   `json:"redacted"`   // turns with a secret redacted
	Bytes      int64 `json:"bytes"`      // input consumed (set by the caller)
}

// Import stages records from another tool's export without changing the
// engine: Stage does the costly work (cleaning, secret redaction, fact
// extraction, duplicate detection) as batches arrive, and Commit files
// everything in one step. Dropping an Import leaves the engine as it was.
type Import struct {
	turns    []stagedTurn
	sessions []model.Session          // new sessions, in arrival order
	meta     map[string]model.Session // every session of the import, for Commit's fallback
	ids      map[string]bool          // staged turn and fact ids
	facts    []*model.Fact
	dedup    map[uint64][]liveTurn // the engine's turns by (site, role, text); built on first use
	sites    map[string]bool       // sites with stored turns (no dedup work for the others)
	totals   ImportTotals
	done     bool
}

type stagedTurn struct {
	model.Turn        // cleaned text, stored time; Session may be a linked live session
	own        string // the import's own session id
	cands      []extract.Candidate
}

type liveTurn struct {
	session string
	time    time.Time
}

// NewImport starts an import.
func (e *Engine) NewImport() *Import {
	return &Import{meta: map[string]model.Session{}, ids: map[string]bool{}}
}

// Totals returns the running totals.
func (im *Import) Totals() ImportTotals { return im.totals }

// SetBytes records how much input the import has consumed.
func (im *Import) SetBytes(n int64) { im.totals.Bytes = n }

// Stage validates and prepares a batch: sessions and their turns (a
// session's turns together, in conversation order) and memory lines. A
// batch that does not validate is refused whole; the caller then drops the
// import.
func (e *Engine) Stage(im *Import, sessions []model.Session, turns []model.Turn, memories []string) error {
	if im.done {
		return fmt.Errorf("%w: the import was already applied", ErrInvalid)
	}
	for i := range sessions {
		if err := sessions[i].ValidateNew(); err != nil {
			return fmt.Errorf("%w: session %d: %w", ErrInvalid, i, err)
		}
	}
	for i := range turns {
		if err := turns[i].ValidateNew(); err != nil {
			return fmt.Errorf("%w: turn %d: %w", ErrInvalid, i, err)
		}
	}
	if n := len(im.turns) + len(turns); n > maxStagedTurns {
		return fmt.Errorf("%w: the import holds more than %d turns, the limit of one import (split the export, or import it in parts)", ErrInvalid, maxStagedTurns)
	}
	for _, s := range sessions {
		if _, ok := im.meta[s.ID]; !ok {
			im.meta[s.ID] = s
		}
	}
	if im.dedup == nil && len(turns) > 0 {
		im.dedup, im.sites = e.dedupIndex()
	}
	for len(turns) > 0 {
		n := 1
		for n < len(turns) && turns[n].Session == turns[0].Session {
			n++
		}
		e.stageConversation(im, turns[:n])
		turns = turns[n:]
	}
	for _, m := range memories {
		e.stageMemory(im, m)
	}
	return nil
}

// stageConversation stages one conversation's turns. A turn is a duplicate
// if its id is stored or staged already (the same export imported again),
// or if the same message was captured live: same site, role and normalised
// text within DedupWindow. When some of a conversation's longer messages
// were captured live, the conversation is linked to that live session: its
// short messages are matched inside it, and its other messages are filed
// into it, so the two copies merge into one session.
func (e *Engine) stageConversation(im *Import, turns []model.Turn) {
	own := turns[0].Session
	site := im.meta[own].Site
	if s, ok := e.sessions[own]; ok && site == "" {
		site = s.Site
	}
	type prep struct {
		t       model.Turn
		dup     bool
		key     uint64
		long    bool
		matches []liveTurn
	}
	ps := make([]prep, len(turns))
	votes := map[string]int{}
	for i, t := range turns {
		p := &ps[i]
		p.t = t
		if _, ok := e.turns[t.ID]; ok || im.ids[t.ID] {
			p.dup = true
			continue
		}
		var red bool
		p.t.Text, red = clean(t.Text)
		if red {
			im.totals.Redacted++
		}
		p.t.Time = storedTime(t.Time)
		if !im.sites[site] {
			continue // nothing stored from this site: nothing to match
		}
		norm := normalize(p.t.Text)
		p.key, p.long = dedupKey(site, t.Role, norm), len(norm) >= minLinkText
		for _, l := range im.dedup[p.key] {
			if d := l.time.Sub(p.t.Time); d <= DedupWindow && d >= -DedupWindow {
				p.matches = append(p.matches, l)
				if p.long && l.session != own {
					votes[l.session]++
				}
			}
		}
	}
	link := ""
	for s, n := range votes {
		if link == "" || n > votes[link] || (n == votes[link] && s < link) {
			link = s
		}
	}
	added := false
	for i := range ps {
		p := &ps[i]
		for _, m := range p.matches {
			if (link != "" && m.session == link) || (p.long && m.session != own) || m.session == own {
				p.dup = true
			}
		}
		if p.dup {
			im.totals.Duplicates++
			continue
		}
		st := stagedTurn{Turn: p.t, own: own}
		if link != "" {
			st.Session = link
		}
		if t := p.t; t.Role == model.RoleUser {
			st.cands = safeExtract(t.Text, t.Time)
			im.totals.Facts += len(st.cands)
		}
		im.turns = append(im.turns, st)
		im.ids[p.t.ID] = true
		im.totals.Turns++
		added = true
	}
	if added && link == "" {
		if _, ok := e.sessions[own]; !ok && !im.ids["session\x00"+own] {
			im.ids["session\x00"+own] = true
			im.sessions = append(im.sessions, im.meta[own])
			im.totals.Sessions++
		}
	}
}

// memorySlot is the slot of an imported memory: its own, since a memory
// list has no structure that says which memories replace which.
func memorySlot(text string) string {
	h := fnv.New64a()
	h.Write([]byte(normalize(text)))
	return "memory:" + hex.EncodeToString(h.Sum(nil))
}

// stageMemory stages one memory line as a fact. Its category and
// sensitivity come from fact extraction on the line when that finds
// something (so a health memory is sensitive, as if the user had said it),
// else "other".
func (e *Engine) stageMemory(im *Import, line string) {
	text, red := redact(strings.TrimSpace(line))
	if red {
		im.totals.Redacted++
	}
	if text == "" || len(text) > 1024 {
		return
	}
	slot := memorySlot(text)
	id := factID(slot, text)
	if _, ok := e.facts[id]; ok || im.ids[id] {
		im.totals.Duplicates++
		return
	}
	f := &model.Fact{ID: id, Slot: slot, Value: text, Text: text, Category: model.CatOther, Sensitivity: model.Normal,
		Confidence: 1, ValidFrom: storedTime(now())}
	for _, c := range safeExtract(text, f.ValidFrom) {
		f.Category = c.Category
		if c.Sensitivity == model.Sensitive {
			f.Sensitivity = model.Sensitive
		}
	}
	im.ids[id] = true
	im.facts = append(im.facts, f)
	im.totals.Facts++
}

// Commit applies a staged import in one step and returns its totals. The
// engine may have changed since the records were staged (live capture goes
// on during an import): a turn stored meanwhile under the same id is
// skipped, and a turn whose linked live session was forgotten meanwhile
// goes to its own session.
func (e *Engine) Commit(im *Import) (ImportTotals, error) {
	if im.done {
		return im.totals, fmt.Errorf("%w: the import was already applied", ErrInvalid)
	}
	im.done = true
	defer e.restamp()
	for _, s := range im.sessions {
		e.upsertSession(s)
	}
	for i := range im.turns {
		st := &im.turns[i]
		if _, ok := e.turns[st.ID]; ok {
			im.totals.Turns--
			im.totals.Duplicates++
			continue
		}
		if _, ok := e.sessions[st.Session]; !ok && st.Session != st.own {
			st.Session = st.own
		}
		if _, ok := e.sessions[st.Session]; !ok {
			e.upsertSession(im.meta[st.Session])
		}
		tr := e.storeTurn(st.Turn, nil)
		for _, c := range st.cands {
			e.addFact(c, tr)
		}
		st.cands = nil
	}
	for _, f := range im.facts {
		if _, ok := e.facts[f.ID]; ok {
			continue
		}
		e.staleFacts()
		e.facts[f.ID] = f
		e.indexFact(f)
		e.resolveSlot(f.Slot)
	}
	totals := im.totals
	*im = Import{done: true, totals: totals}
	return totals, nil
}

// normalize reduces text to what survives any rendering: lower-case
// letters and digits, one space between words. A live capture reads the
// page's text (markdown rendered away, whitespace reflowed); an export has
// the markdown source.
func normalize(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return normalizeUnicode(b, s[i:], space)
		}
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, c)
	}
	return string(b)
}

// normalizeUnicode is normalize's general path, continuing b with s.
func normalizeUnicode(b []byte, s string, space bool) string {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = utf8.AppendRune(b, unicode.ToLower(r))
		} else {
			space = true
		}
	}
	return string(b)
}

func dedupKey(site string, role model.Role, norm string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(site))
	h.Write([]byte{0})
	h.Write([]byte(role))
	h.Write([]byte{0})
	h.Write([]byte(norm))
	return h.Sum64()
}

// dedupIndex maps the stored turns by (site, role, normalised text) and
// lists the sites they come from.
func (e *Engine) dedupIndex() (map[uint64][]liveTurn, map[string]bool) {
	idx := make(map[uint64][]liveTurn, len(e.turns))
	sites := map[string]bool{}
	for _, t := range e.turns {
		sites[t.sess.Site] = true
		k := dedupKey(t.sess.Site, t.Role, normalize(t.Text))
		idx[k] = append(idx[k], liveTurn{session: t.Session, time: t.Time})
	}
	for _, ls := range idx {
		order.SortFunc(ls, func(a, b *liveTurn) int { return cmp.Or(a.time.Compare(b.time), cmp.Compare(a.session, b.session)) })
	}
	return idx, sites
}
