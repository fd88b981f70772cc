package engine

import (
	"cmp"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/confidant-dev/confidant/core/analyze"
	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/index"
	"github.com/confidant-dev/confidant/core/internal/order"
	"github.com/confidant-dev/confidant/core/merge"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
)

// State returns a deep copy of the engine's contents, sorted by id, without
// sync metadata (no stamps, Sync nil): what two engines holding the same
// records have in common. SyncState adds the metadata.
func (e *Engine) State() *model.State { return e.state(false) }

// SyncState is State with the sync metadata: every record's stamp (legacy
// records get the legacy stamp), the device id, the settings' stamps and
// the tombstones. It is what Export writes.
func (e *Engine) SyncState() *model.State { return e.state(true) }

func (e *Engine) state(withSync bool) *model.State {
	if withSync {
		e.restamp()
	}
	st := &model.State{Settings: e.settings}
	st.Settings.Consent = slices.Clone(e.settings.Consent)
	for _, s := range e.sessions {
		st.Sessions = append(st.Sessions, s.Session)
	}
	if len(e.turns) > 0 {
		st.Turns = make([]model.Turn, 0, len(e.turns))
	}
	for _, t := range e.turns {
		st.Turns = append(st.Turns, t.Turn)
	}
	for _, f := range e.facts {
		c := cloneFact(f)
		if len(c.Sources) == 0 {
			c.Sources = nil // one spelling of "no sources"
		}
		st.Facts = append(st.Facts, c)
	}
	order.SortFunc(st.Sessions, func(a, b *model.Session) int { return cmp.Compare(a.ID, b.ID) })
	order.SortFunc(st.Turns, func(a, b *model.Turn) int { return cmp.Compare(a.ID, b.ID) })
	order.SortFunc(st.Facts, func(a, b *model.Fact) int { return cmp.Compare(a.ID, b.ID) })
	if !withSync {
		st.ClearStamps()
		return st
	}
	leg := e.legacy()
	fill := func(s *hlc.Stamp) {
		if s.IsZero() {
			*s = leg
		}
	}
	for i := range st.Sessions {
		fill(&st.Sessions[i].Stamp)
	}
	for i := range st.Turns {
		fill(&st.Turns[i].Stamp)
	}
	for i := range st.Facts {
		fill(&st.Facts[i].Stamp)
	}
	m := &model.SyncMeta{Device: e.device, SettingStamps: e.setStamps}
	for i := range m.SettingStamps {
		fill(&m.SettingStamps[i])
	}
	for k, s := range e.tombs {
		m.Tombstones = append(m.Tombstones, model.Tombstone{Kind: model.RecordKind(k.Kind), ID: k.ID, Stamp: s})
	}
	order.SortFunc(m.Tombstones, func(a, b *model.Tombstone) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID)) })
	st.Sync = m
	return st
}

// LoadMemoryLimit is the soft memory limit while a load runs with the
// collector off: a load allocates the whole store at once and frees almost
// nothing, so collections while the heap grows from empty only re-scan what
// is being built. Measured under wazero: 10k turns load in 93 ms instead of
// 100 ms and the first recall after it takes 7 ms instead of 21 ms (it no
// longer finishes a collection started during the load); 100k turns in
// 0.95 s instead of 1.35 s with the same linear memory. The limit makes the
// collector run anyway if a load (a huge or hostile snapshot) grows the heap
// this far — well under wasm32's 4 GiB.
const LoadMemoryLimit = 1 << 30

// collectorOff turns the collector off under LoadMemoryLimit and returns
// what turns it back on: for a load, which allocates the whole store at once
// and frees almost nothing. Calls nest. Import turns it off before decoding
// too: through the .wasm under wazero the 10k-turn import went from 110–142
// to 81–90 ms (BenchmarkColdLoad10k) once decoding ran without collections
// and the host no longer reserved the heap in one block beforehand (that
// block was only reused after a collection).
func collectorOff() (restore func()) {
	limit := debug.SetMemoryLimit(LoadMemoryLimit)
	percent := debug.SetGCPercent(-1)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}

// Load replaces the engine's contents with st, rebuilding every index. Facts
// are taken as stored (not re-extracted), so user edits survive. On error
// the engine is unchanged.
func (e *Engine) Load(st *model.State) error { return e.load(st, nil) }

// loadSync finishes a load into n: the device, clock, setting stamps and
// tombstones from st.Sync, or, for a state without, the previous engine's
// device (or a new one) and legacy stamps. It records what restamp compares
// against.
func (n *Engine) loadSync(st *model.State, prev *Engine) {
	var max hlc.Stamp
	if m := st.Sync; m != nil {
		n.device = m.Device
		if prev.device == m.Device {
			n.clock = prev.clock
		}
		n.setStamps = m.SettingStamps
		max = n.loadTombstones(m.Tombstones)
	} else {
		n.device, n.clock = prev.device, prev.clock
	}
	n.ensureDevice()
	leg := n.legacy()
	for i := range n.setStamps {
		if n.setStamps[i].IsZero() {
			n.setStamps[i] = leg
		}
		max = later(max, n.setStamps[i])
	}
	// A function per record kind (see loadReuse).
	max = later(max, n.seenSessions(leg))
	max = later(max, n.stampTurns(leg))
	max = later(max, n.seenFacts(leg))
	// Seed the clock: stamps stay monotonic across restarts.
	if max.Device != "" {
		n.clock.Observe(max)
	}
}

// later returns the later of two stamps.
func later(a, b hlc.Stamp) hlc.Stamp {
	if a.Less(b) {
		return b
	}
	return a
}

// loadTombstones files a load's tombstones and returns the latest stamp.
func (n *Engine) loadTombstones(ts []model.Tombstone) (max hlc.Stamp) {
	for _, t := range ts {
		n.tombs[merge.Key{Kind: merge.Kind(t.Kind), ID: t.ID}] = t.Stamp
		max = later(max, t.Stamp)
	}
	return max
}

// seenSessions gives unstamped sessions the legacy stamp, records what
// restamp compares against and returns the latest stamp.
func (n *Engine) seenSessions(leg hlc.Stamp) (max hlc.Stamp) {
	var buf []byte
	for id, s := range n.sessions {
		if s.Stamp.IsZero() {
			s.Stamp = leg
		}
		max = later(max, s.Stamp)
		buf = appendSession(buf[:0], &s.Session)
		n.seen[merge.Key{Kind: merge.KindSession, ID: id}] = seenVer{enc: string(buf), stamp: s.Stamp}
	}
	return max
}

// stampTurns gives unstamped turns the legacy stamp and returns the latest
// stamp. Turns are stamped where they are stored and removed, so, unlike
// sessions and facts, they record no encoding for restamp.
func (n *Engine) stampTurns(leg hlc.Stamp) (max hlc.Stamp) {
	for _, t := range n.turnBySlot {
		if t.Stamp.IsZero() {
			t.Stamp = leg
		}
		max = later(max, t.Stamp)
	}
	return max
}

// seenFacts is seenSessions for facts.
func (n *Engine) seenFacts(leg hlc.Stamp) (max hlc.Stamp) {
	var buf []byte
	for id, f := range n.facts {
		if f.Stamp.IsZero() {
			f.Stamp = leg
		}
		max = later(max, f.Stamp)
		buf = appendFact(buf[:0], f)
		n.seen[merge.Key{Kind: merge.KindFact, ID: id}] = seenVer{enc: string(buf), stamp: f.Stamp}
	}
	return max
}

// load is Load with, optionally, the turns' analysed terms from a
// snapshot, which spares re-analysing every turn (the slow part of a cold
// start). terms must come from this analyzer version and from the
// snapshot decoder, which checked every term id against its vocabulary
// (the engine adopts that vocabulary as it is) and numbered the turns'
// sessions (Terms.Sessions; numbers that do not fit the turns are ignored).
func (e *Engine) load(st *model.State, terms *snapshot.Terms) error {
	return e.loadReuse(st, terms, nil)
}

// conversationOrder returns the indexes of turns ordered by session id,
// then time, then id: every conversation in order, one after the other. It
// also returns each turn's bucket, a number per distinct session id (dense
// when looked up; a snapshot's numbers may leave gaps for sessions without
// turns), and the number of buckets. Turns are grouped by session in one pass and
// each conversation is sorted on its own (usually found in order already),
// which costs a fraction of one sort of all the turns: a cold start files
// every stored turn. refs, if not nil, numbers each turn's session already
// (a snapshot's session-refs, Terms.Sessions), which spares looking every
// turn's session id up in a map.
func conversationOrder(turns []model.Turn, refs []uint32) (perm []int, bucket []int32, buckets int) {
	bucket = make([]int32, len(turns))
	var keys []string // by bucket: its session id
	var counts []int  // by bucket: its turns
	ok := false
	if refs != nil {
		keys, counts, ok = bucketsFromRefs(turns, refs, bucket)
	}
	if !ok {
		keys, counts = bucketsByMap(turns, bucket)
	}
	// Buckets by session id; start[b] is where bucket b's turns go.
	byID := make([]int, len(keys))
	for b := range byID {
		byID[b] = b
	}
	slices.SortFunc(byID, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	start := make([]int, len(keys))
	at := 0
	for _, b := range byID {
		start[b] = at
		at += counts[b]
	}
	perm = make([]int, len(turns))
	next := slices.Clone(start)
	for i, b := range bucket {
		perm[next[b]] = i
		next[b]++
	}
	inConversation := func(a, b int) int { return turnOrderOf(&turns[a], &turns[b]) }
	for b, from := range start {
		conv := perm[from : from+counts[b]]
		for k := 1; k < len(conv); k++ {
			if turnOrderOf(&turns[conv[k-1]], &turns[conv[k]]) > 0 {
				slices.SortFunc(conv, inConversation)
				break
			}
		}
	}
	return perm, bucket, len(keys)
}

// turnOrderOf orders turns in a conversation: by time, then id.
func turnOrderOf(x, y *model.Turn) int {
	return cmp.Or(x.Time.Compare(y.Time), cmp.Compare(x.ID, y.ID))
}

// bucketsByMap numbers the turns' distinct session ids in order of first
// use, filling bucket; it returns each bucket's id and turn count.
func bucketsByMap(turns []model.Turn, bucket []int32) (keys []string, counts []int) {
	ids := map[string]int32{}
	for i := range turns {
		b, ok := ids[turns[i].Session]
		if !ok {
			b = int32(len(keys))
			ids[turns[i].Session] = b
			keys = append(keys, turns[i].Session)
			counts = append(counts, 0)
		}
		bucket[i] = b
		counts[b]++
	}
	return keys, counts
}

// bucketsFromRefs is bucketsByMap for turns whose sessions are numbered
// already: refs[i] is turn i's bucket. A number no turn uses is a bucket
// without turns, which sorts anywhere. ok is false, and the caller falls
// back to the map, if refs does not fit the turns: a number of more than
// one session id, or one beyond the turns' count of sessions.
func bucketsFromRefs(turns []model.Turn, refs []uint32, bucket []int32) (keys []string, counts []int, ok bool) {
	if len(refs) != len(turns) {
		return nil, nil, false
	}
	n := uint32(0)
	for _, r := range refs {
		if int(r) >= len(turns)+maxRecordsWithoutTurns {
			return nil, nil, false
		}
		n = max(n, r+1)
	}
	keys, counts = make([]string, n), make([]int, n)
	for i, r := range refs {
		// Equal ids share one string, so this compare is mostly a
		// pointer check.
		if counts[r] > 0 && keys[r] != turns[i].Session {
			return nil, nil, false
		}
		bucket[i] = int32(r)
		keys[r] = turns[i].Session
		counts[r]++
	}
	return keys, counts, true
}

// maxRecordsWithoutTurns bounds how far session numbers may run past the
// turns (sessions recorded without turns take numbers too) before
// bucketsFromRefs prefers the map: the tables it sizes by them stay in
// proportion to the load.
const maxRecordsWithoutTurns = 1 << 16

// reuseTerms returns the analysed terms reuse has for a turn with t's id
// and text, or nil.
func reuseTerms(reuse *Engine, t *model.Turn) []uint32 {
	if reuse == nil {
		return nil
	}
	if o, ok := reuse.turns[t.ID]; ok && o.Text == t.Text && o.terms != nil {
		return o.terms
	}
	return nil
}

// loadReuse is load that takes the analysed terms of turns whose text is
// unchanged from reuse (when not nil) instead of analysing them again: a
// merge rebuilds the store but analyses only the turns it brought.
//
// Each step, and the per-turn work, is a function of its own, which keeps
// V8 from recompiling one large load function at every cold start
// (RATIONALE.md: "Why are the load's loops in functions of their own?").
func (e *Engine) loadReuse(st *model.State, terms *snapshot.Terms, reuse *Engine) error {
	defer collectorOff()()
	n := New()
	if reuse != nil {
		terms = nil
	}
	if terms != nil {
		if len(terms.Turns) != len(st.Turns) {
			return fmt.Errorf("%w: snapshot has terms for %d turns but %d turns", ErrInvalid, len(terms.Turns), len(st.Turns))
		}
		// The fresh engine's vocabulary is the snapshot's: term ids are
		// the same, so the turns' term lists are taken as they are.
		n.an = analyze.FromVocab(terms.Vocab, terms.Index)
	}
	if err := validSettings(st.Settings); err != nil {
		return err
	}
	n.settings = st.Settings
	n.settings.Consent = slices.Clone(st.Settings.Consent)
	sessions, err := n.loadSessions(st.Sessions)
	if err != nil {
		return err
	}
	f := filer{n: n, terms: terms, reuse: reuse, sessions: sessions}
	if reuse != nil {
		f.reuseMap = make([]uint32, len(reuse.an.Vocab()))
	}
	if err := f.fileTurns(st.Turns); err != nil {
		return err
	}
	n.buildIndexes(f.turns, f.sessions)
	if err := n.loadFacts(st.Facts); err != nil {
		return err
	}
	n.loadSync(st, e)
	*e = *n
	return nil
}

// loadSessions files the session records of a load into n.
func (n *Engine) loadSessions(in []model.Session) ([]*session, error) {
	sessions := make([]*session, 0, len(in))
	for i := range in {
		s := in[i]
		if err := model.ValidateID(s.ID); err != nil {
			return nil, fmt.Errorf("%w: session %d: %w", ErrInvalid, i, err)
		}
		if _, dup := n.sessions[s.ID]; dup {
			return nil, fmt.Errorf("%w: session %q appears twice", ErrInvalid, s.ID)
		}
		s.Start = s.Start.UTC()
		ss := &session{Session: s}
		n.sessions[s.ID] = ss
		sessions = append(sessions, ss)
	}
	return sessions, nil
}

// filer files a load's turns into an engine, session by session in
// conversation order.
type filer struct {
	n        *Engine
	terms    *snapshot.Terms // the snapshot's term lists, or nil
	reuse    *Engine         // an engine whose terms may be reused, or nil
	reuseMap []uint32        // by reuse's term id: n's id + 1 (0: not looked up yet)
	sessions []*session      // every session, records first
	turns    []*turn         // filed turns, in order
	records  []turn          // one allocation for all turns
	bySess   []*session      // by conversation bucket: its session, once looked up
	run      int             // where the current conversation starts in turns
	unique   bool            // no turn id appears twice
	// bySessBacking holds every session's turns, each a run (endRun).
	bySessBacking []*turn
}

// fileTurns files every turn (see conversationOrder).
func (f *filer) fileTurns(in []model.Turn) error {
	var refs []uint32
	if f.terms != nil && len(f.terms.Sessions) == len(in) {
		refs = f.terms.Sessions
	}
	perm, bucket, buckets := conversationOrder(in, refs)
	f.bySess = make([]*session, buckets)
	// Turns in ascending id order (a snapshot's, or State's) have no id
	// twice, which spares looking each up before it is filed.
	f.unique = idsAscending(in)
	f.turns = make([]*turn, 0, len(in))
	f.records = make([]turn, len(in))
	f.n.turns = make(map[string]*turn, len(in))
	for k, i := range perm {
		if err := f.file(&f.records[k], &in[i], i, bucket[i]); err != nil {
			return err
		}
	}
	f.endRun()
	return nil
}

// idsAscending reports whether the turns' ids are strictly ascending.
func idsAscending(turns []model.Turn) bool {
	for i := 1; i < len(turns); i++ {
		if turns[i-1].ID >= turns[i].ID {
			return false
		}
	}
	return true
}

// endRun gives the conversation filed last its turns. Conversations are
// filed one after the other, so each session's turns are a run of f.turns;
// every session takes its run from one copy of f.turns (not f.turns itself,
// which becomes the slot table), capped so that a later append copies and a
// delete shifts only its own run.
func (f *filer) endRun() {
	if f.run < len(f.turns) {
		if f.bySessBacking == nil {
			f.bySessBacking = make([]*turn, cap(f.turns))
		}
		run := f.bySessBacking[f.run:len(f.turns):len(f.turns)]
		copy(run, f.turns[f.run:])
		f.turns[f.run].sess.turns = run
	}
	f.run = len(f.turns)
}

// file files turn i of the load (in its conversation bucket b) as tr.
func (f *filer) file(tr *turn, in *model.Turn, i int, b int32) error {
	n := f.n
	t := *in
	// A snapshot's decoder has validated its turns already; a State from
	// elsewhere is checked here.
	if f.terms == nil {
		if err := t.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	if !f.unique {
		if _, dup := n.turns[t.ID]; dup {
			return fmt.Errorf("%w: turn %q appears twice", ErrInvalid, t.ID)
		}
	}
	t.Time = t.Time.UTC()
	ss := f.bySess[b]
	if ss == nil {
		ss = n.sessions[t.Session]
		f.bySess[b] = ss
	}
	if ss == nil {
		ss = &session{Session: model.Session{ID: t.Session, Start: t.Time}}
		n.sessions[t.Session] = ss
		f.bySess[b] = ss
		f.sessions = append(f.sessions, ss)
	} else if ss.Start.IsZero() || t.Time.Before(ss.Start) {
		ss.Start = t.Time
	}
	if f.run < len(f.turns) && f.turns[f.run].sess != ss {
		f.endRun() // a new conversation starts
	}
	*tr = turn{Turn: t, sess: ss, pos: len(f.turns) - f.run}
	switch old := reuseTerms(f.reuse, &t); {
	case old != nil:
		tr.terms = f.translate(old)
	case f.terms == nil:
		tr.terms = n.an.AppendIDs(nil, t.Text)
	default:
		// The decoder checked every id against the vocabulary and capped
		// each list (appending to one never writes into the next).
		tr.terms = f.terms.Turns[i]
	}
	n.turns[t.ID] = tr
	f.turns = append(f.turns, tr)
	return nil
}

// translate maps term ids of the reused engine to the new engine's.
func (f *filer) translate(old []uint32) []uint32 {
	out := make([]uint32, len(old))
	for j, v := range old {
		if f.reuseMap[v] == 0 {
			f.reuseMap[v] = f.n.an.Intern(f.reuse.an.Vocab()[v]) + 1
		}
		out[j] = f.reuseMap[v] - 1
	}
	return out
}

// buildIndexes builds the turn index of a load (the only one built in bulk)
// in one pass
// (index.Build), which is what makes a cold start fast, and gives the
// sessions their slots and lengths (sessscore.go).
func (n *Engine) buildIndexes(turns []*turn, sessions []*session) {
	n.turnIdx = index.Build(len(turns), len(n.an.Vocab()), func(d int32) []uint32 { return turns[d].terms })
	for d, t := range turns {
		t.doc = int32(d)
		t.sess.length += int32(len(t.terms))
	}
	n.turnBySlot = turns
	for d, s := range sessions {
		s.doc = int32(d)
	}
	n.sessBySlot = sessions
}

// loadFacts files the facts of a load, taken as stored (not re-extracted).
func (n *Engine) loadFacts(in []model.Fact) error {
	for i := range in {
		f := cloneFact(&in[i])
		if err := model.ValidateID(f.ID); err != nil {
			return fmt.Errorf("%w: fact %d: %w", ErrInvalid, i, err)
		}
		if _, dup := n.facts[f.ID]; dup {
			return fmt.Errorf("%w: fact %q appears twice", ErrInvalid, f.ID)
		}
		n.facts[f.ID] = &f
		n.indexFact(&f)
	}
	return nil
}

// Export encodes the state as a snapshot (see core/snapshot), zstd-
// compressed. With terms, it is the full backup: the state with its sync
// metadata and every turn's analysed terms, so that Import rebuilds the
// index without analysing text again. Without, it is the compact form (for
// sync and export files).
func (e *Engine) Export(withTerms bool) ([]byte, error) {
	if !withTerms {
		// The portable form: the records without this device's sync
		// metadata (a file is imported as an edit, see ImportUntrusted).
		return snapshot.Marshal(e.State())
	}
	return e.exportFull(snapshot.CodecZstd)
}

// ExportLocal is Export(true) for the engine's own store, loaded at every
// cold start: stored, not compressed, so that the load reads it with one
// copy (S2's decompression was the largest single step of a cold start's
// import in Chromium), for about three times S2's bytes on disk. What leaves
// the device (a backup file) keeps zstd: smaller, and readable by readers
// older than the stored codec.
func (e *Engine) ExportLocal() ([]byte, error) { return e.exportFull(snapshot.CodecStored) }

func (e *Engine) exportFull(c snapshot.Codec) ([]byte, error) {
	st := e.SyncState()
	t := &snapshot.Terms{Analyzer: analyze.Version, Vocab: e.an.Vocab(), Turns: make([][]uint32, len(st.Turns))}
	for i := range st.Turns {
		t.Turns[i] = e.turns[st.Turns[i].ID].terms
	}
	return snapshot.MarshalTermsWith(st, t, snapshot.Options{Codec: c})
}

// ExportSync encodes the state with its sync metadata (stamps, device,
// tombstones) and without terms: what sync seals (snapshot version 3).
func (e *Engine) ExportSync() ([]byte, error) { return snapshot.Marshal(e.SyncState()) }

// Import replaces the store with a snapshot's contents. A snapshot that does
// not decode or validate changes nothing. Terms from another analyzer
// version are ignored and the text is analysed again.
func (e *Engine) Import(data []byte) error {
	// Decoding allocates the store's strings and lists: part of the load.
	defer collectorOff()()
	st, terms, err := snapshot.UnmarshalTerms(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if terms != nil && terms.Analyzer != analyze.Version {
		terms = nil
	}
	return e.load(st, terms)
}

// ImportUntrusted is Import for a snapshot from outside this device's own
// store (a file the user picked): every text goes through the same
// cleaning as ingest — markers stripped, secrets redacted — and its stored
// terms are ignored, since they could disagree with the text.
func (e *Engine) ImportUntrusted(data []byte) error {
	st, err := snapshot.Unmarshal(data)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	for i := range st.Turns {
		st.Turns[i].Text, _ = clean(st.Turns[i].Text)
	}
	for i := range st.Sessions {
		st.Sessions[i].Title, _ = redact(st.Sessions[i].Title)
	}
	for i := range st.Facts {
		f := &st.Facts[i]
		f.Text, _ = redact(unmark(f.Text))
		f.Value, _ = redact(unmark(f.Value))
	}
	// The file's stamps and device are not this device's: the import is
	// an edit of the whole store (adopt).
	st.Sync = nil
	st.ClearStamps()
	old := *e
	if err := e.load(st, nil); err != nil {
		return err
	}
	e.adopt(&old)
	return nil
}
