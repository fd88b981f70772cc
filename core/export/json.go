package export

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/internal/order"
	"github.com/confidant-dev/confidant/core/model"
)

// Format and Version identify a JSON export.
const (
	Format  = "confidant-export"
	Version = 1
)

// Limits of ReadJSON.
const (
	// MaxJSON caps a JSON export (the largest snapshot the engine loads).
	MaxJSON = 256 << 20
	// MaxFacts caps the facts of one file.
	MaxFacts = 1_000_000
	// MaxFactText caps a fact's value and text.
	MaxFactText = 4096
	// MaxSources caps the source turns of one fact.
	MaxSources = 100_000
	// MaxTombstones caps the tombstones of one file.
	MaxTombstones = 2_000_000
)

// ErrInvalid is wrapped by every error of ReadJSON about the file's
// contents (as opposed to an error of the reader it reads from).
var ErrInvalid = errors.New("invalid JSON export")

// Document is the head of a JSON export: everything but the sessions, which
// are written and read one at a time. It embeds model.State so that a field
// the model gains is exported (and read back) without a change here; the
// state's sessions and turns are shadowed by the document's own members.
type document struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	ExportedAt time.Time `json:"exported_at"`
	Facts      []Fact    `json:"facts"` // shadows model.State.Facts: facts with their stamps
	model.State
	Sync     *Sync     `json:"sync,omitempty"`     // shadows model.State.Sync
	Sessions *struct{} `json:"sessions,omitempty"` // written apart
	Turns    *struct{} `json:"turns,omitempty"`    // turns live in their session
}

// Session is one conversation of a JSON export, with its turns.
type Session struct {
	model.Session
	Stamp *string `json:"stamp,omitempty"` // the record's sync stamp (hlc text); absent: legacy
	Turns []Turn  `json:"turns"`
}

// Turn is a turn of a JSON export: model.Turn without its session, which
// is the one it is listed in.
type Turn struct {
	model.Turn
	Session string  `json:"session,omitempty"` // shadows model.Turn.Session: never written
	Stamp   *string `json:"stamp,omitempty"`   // the record's sync stamp; absent: legacy
}

// Fact is a fact of a JSON export: model.Fact and its sync stamp.
type Fact struct {
	model.Fact
	Stamp *string `json:"stamp,omitempty"` // absent: legacy
}

// Sync is the optional "sync" member: the settings' stamps and the
// tombstones (see the package doc).
type Sync struct {
	Settings   *SettingStamps `json:"settings,omitempty"`
	Tombstones []Tombstone    `json:"tombstones,omitempty"`
}

// SettingStamps are the stamps of the settings' fields (absent: legacy).
type SettingStamps struct {
	TokenBudget *string `json:"token_budget,omitempty"`
	MaxMemories *string `json:"max_memories,omitempty"`
	Consent     *string `json:"consent,omitempty"`
}

// Tombstone is a deleted record: its kind ("session", "turn" or "fact"),
// id and the stamp of the delete.
type Tombstone struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Stamp string `json:"stamp"`
}

var kindNames = map[model.RecordKind]string{model.KindSession: "session", model.KindTurn: "turn", model.KindFact: "fact"}

// stampText is the text of a stamp as a file carries it: nil for the zero
// and the legacy stamp (an absent stamp reads as legacy).
func stampText(s hlc.Stamp) (*string, error) {
	if s.IsZero() || s == (hlc.Stamp{Device: engine.LegacyDevice}) {
		return nil, nil
	}
	b, err := s.MarshalText()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	t := string(b)
	return &t, nil
}

// syncDoc is the "sync" member for m: nil when it says nothing (no
// tombstones, every setting stamp legacy).
func syncDoc(m *model.SyncMeta) (*Sync, error) {
	if m == nil {
		return nil, nil
	}
	var d Sync
	var ss SettingStamps
	var err error
	for i, p := range []**string{&ss.TokenBudget, &ss.MaxMemories, &ss.Consent} {
		if *p, err = stampText(m.SettingStamps[i]); err != nil {
			return nil, err
		}
	}
	if ss != (SettingStamps{}) {
		d.Settings = &ss
	}
	for _, t := range m.Tombstones {
		b, err := t.Stamp.MarshalText()
		if err != nil {
			return nil, fmt.Errorf("export: tombstone %q: %w", t.ID, err)
		}
		name, ok := kindNames[t.Kind]
		if !ok {
			return nil, fmt.Errorf("export: tombstone %q: kind %d", t.ID, t.Kind)
		}
		d.Tombstones = append(d.Tombstones, Tombstone{Kind: name, ID: t.ID, Stamp: string(b)})
	}
	if d.Settings == nil && d.Tombstones == nil {
		return nil, nil
	}
	return &d, nil
}

// parseStamp reads the stamp at path (nil: the zero stamp, legacy).
func parseStamp(path string, text *string) (hlc.Stamp, error) {
	if text == nil {
		return hlc.Stamp{}, nil
	}
	s, err := hlc.Parse(*text)
	if err != nil {
		return hlc.Stamp{}, fmt.Errorf("%w: %s: %q is not a stamp (like \"0018f0c2a5b40-00000000-device\"): %w", ErrInvalid, path, *text, err)
	}
	return s, nil
}

// WriteJSON writes st as a JSON export stamped at, one session at a time.
func WriteJSON(w io.Writer, st *model.State, at time.Time) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	head := document{Format: Format, Version: Version, ExportedAt: at.UTC(), State: *st}
	head.State.Sessions, head.State.Turns, head.State.Facts = nil, nil, nil
	head.Facts = make([]Fact, len(st.Facts))
	var err error
	for i := range st.Facts {
		head.Facts[i].Fact = st.Facts[i]
		if head.Facts[i].Stamp, err = stampText(st.Facts[i].Stamp); err != nil {
			return err
		}
	}
	if head.Sync, err = syncDoc(st.Sync); err != nil {
		return err
	}
	groups, err := groupSessions(st)
	if err != nil {
		return err
	}
	b, err := encode(head, "")
	if err != nil {
		return err
	}
	// b ends in "\n}\n": reopen the object for the sessions.
	b = bytes.TrimSuffix(b, []byte("\n}\n"))
	bw.Write(b)
	bw.WriteString(",\n  \"sessions\": [")
	for i, s := range groups {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		b, err := encode(s, "    ")
		if err != nil {
			return err
		}
		bw.Write(bytes.TrimSuffix(b, []byte("\n")))
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}

// MarshalJSON returns the JSON export of st stamped at.
func MarshalJSON(st *model.State, at time.Time) ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, st, at); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encode(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return buf.Bytes(), nil
}

// groupSessions files st's turns under their sessions: sessions by start
// then id, turns by time then id. A turn whose session is not listed gets a
// session entry of its own (the engine never stores one).
func groupSessions(st *model.State) ([]Session, error) {
	out := make([]Session, 0, len(st.Sessions))
	at := make(map[string]int, len(st.Sessions))
	for _, s := range st.Sessions {
		at[s.ID] = len(out)
		stamp, err := stampText(s.Stamp)
		if err != nil {
			return nil, err
		}
		out = append(out, Session{Session: s, Stamp: stamp, Turns: []Turn{}})
	}
	for _, t := range st.Turns {
		stamp, err := stampText(t.Stamp)
		if err != nil {
			return nil, err
		}
		i, ok := at[t.Session]
		if !ok {
			i = len(out)
			at[t.Session] = i
			out = append(out, Session{Session: model.Session{ID: t.Session}, Turns: []Turn{}})
		}
		t.Session = ""
		out[i].Turns = append(out[i].Turns, Turn{Turn: t, Stamp: stamp})
	}
	order.SortFunc(out, func(a, b *Session) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID))
	})
	for _, s := range out {
		order.SortFunc(s.Turns, func(a, b *Turn) int {
			return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID))
		})
	}
	return out, nil
}

// reader is ReadJSON's state: the decoder, what was seen, and the limits.
type reader struct {
	dec      *json.Decoder
	st       model.State
	sessions map[string]int // id → index in the file
	turns    map[string]string
	maxTurns int
	sync     *Sync // the "sync" member, if any
}

// ReadJSON reads a JSON export (see the package doc) and returns the state
// it holds, or one error naming the JSON path of the first defect.
func ReadJSON(r io.Reader) (*model.State, error) {
	lr := &io.LimitedReader{R: r, N: MaxJSON + 1}
	rd := &reader{dec: json.NewDecoder(lr), sessions: map[string]int{}, turns: map[string]string{}, maxTurns: engine.MaxStagedTurns}
	rd.dec.DisallowUnknownFields()
	st, err := rd.read()
	if lr.N <= 0 {
		return nil, fmt.Errorf("%w: the file is larger than %d bytes", ErrInvalid, MaxJSON)
	}
	return st, err
}

// UnmarshalJSON is ReadJSON over bytes.
func UnmarshalJSON(data []byte) (*model.State, error) { return ReadJSON(bytes.NewReader(data)) }

func (rd *reader) read() (*model.State, error) {
	if err := rd.delim('{', ""); err != nil {
		if errors.Is(err, errEOF) {
			return nil, fmt.Errorf("%w: the file is empty", ErrInvalid)
		}
		return nil, err
	}
	// The members other than sessions are collected and decoded together
	// into the document, so that whatever model.State holds is read
	// generically; format and version are checked as soon as they arrive.
	var head bytes.Buffer
	head.WriteByte('{')
	seen := map[string]bool{}
	for rd.dec.More() {
		key, err := rd.key("")
		if err != nil {
			return nil, err
		}
		if seen[key] {
			return nil, rd.errf(key, "given twice")
		}
		seen[key] = true
		switch key {
		case "sessions":
			if err := rd.readSessions(); err != nil {
				return nil, err
			}
			continue
		case "turns":
			return nil, rd.errf(key, "turns are listed inside their session (sessions[i].turns), not at the top level")
		}
		var raw json.RawMessage
		if err := rd.dec.Decode(&raw); err != nil {
			return nil, rd.wrap(key, err)
		}
		if key == "sync" {
			// Decoded apart, so that a defect names its path under sync.
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rd.sync); err != nil {
				return nil, pathError(key, err)
			}
			if rd.sync == nil {
				return nil, rd.errf(key, "want an object, found null")
			}
			continue
		}
		switch key {
		case "format":
			var f string
			if json.Unmarshal(raw, &f) != nil || f != Format {
				return nil, rd.errf(key, "must be %q (this is not a Confidant JSON export)", Format)
			}
		case "version":
			var v int
			if json.Unmarshal(raw, &v) != nil || v < 1 {
				return nil, rd.errf(key, "must be a positive integer")
			}
			if v > Version {
				return nil, rd.errf(key, "is %d: the file was written by a newer Confidant (this one reads up to version %d); update Confidant", v, Version)
			}
		case "exported_at":
			var t time.Time
			if err := json.Unmarshal(raw, &t); err != nil || t.IsZero() {
				return nil, rd.errf(key, "must be an RFC 3339 time, like \"2026-05-01T10:00:00Z\"")
			}
		}
		if head.Len() > 1 {
			head.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		head.Write(k)
		head.WriteByte(':')
		head.Write(raw)
	}
	if err := rd.delim('}', ""); err != nil {
		return nil, err
	}
	if _, err := rd.dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the export's closing brace (byte %d)", ErrInvalid, rd.dec.InputOffset())
	}
	for _, k := range []string{"format", "version", "exported_at"} {
		if !seen[k] {
			return nil, fmt.Errorf("%w: %s: missing (a Confidant JSON export starts with format, version and exported_at)", ErrInvalid, k)
		}
	}
	head.WriteByte('}')
	var doc document
	dec := json.NewDecoder(&head)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, pathError("", err)
	}
	if doc.ExportedAt.IsZero() {
		return nil, fmt.Errorf("%w: exported_at: missing time", ErrInvalid)
	}
	doc.State.Sessions, doc.State.Turns = rd.st.Sessions, rd.st.Turns
	st := doc.State
	st.Facts = nil
	if doc.Facts != nil {
		st.Facts = make([]model.Fact, len(doc.Facts))
	}
	for i := range doc.Facts {
		st.Facts[i] = doc.Facts[i].Fact
		s, err := parseStamp(fmt.Sprintf("facts[%d].stamp", i), doc.Facts[i].Stamp)
		if err != nil {
			return nil, err
		}
		st.Facts[i].Stamp = s
	}
	if err := checkFacts(st.Facts); err != nil {
		return nil, err
	}
	if rd.sync != nil {
		m, err := rd.readSync(rd.sync, st.Facts)
		if err != nil {
			return nil, err
		}
		st.Sync = m
	}
	if err := engine.New().SetSettings(st.Settings); err != nil {
		return nil, fmt.Errorf("%w: settings: %w", ErrInvalid, err)
	}
	return &st, nil
}

func (rd *reader) readSessions() error {
	if err := rd.delim('[', "sessions"); err != nil {
		return err
	}
	for i := 0; rd.dec.More(); i++ {
		if err := rd.readSession(i); err != nil {
			return err
		}
	}
	return rd.delim(']', "sessions")
}

func (rd *reader) readSession(i int) error {
	path := fmt.Sprintf("sessions[%d]", i)
	if err := rd.delim('{', path); err != nil {
		return err
	}
	var head bytes.Buffer
	head.WriteByte('{')
	seen := map[string]bool{}
	var turns []model.Turn
	for rd.dec.More() {
		key, err := rd.key(path)
		if err != nil {
			return err
		}
		if seen[key] {
			return rd.errf(path+"."+key, "given twice")
		}
		seen[key] = true
		if key == "turns" {
			if turns, err = rd.readTurns(path + ".turns"); err != nil {
				return err
			}
			continue
		}
		var raw json.RawMessage
		if err := rd.dec.Decode(&raw); err != nil {
			return rd.wrap(path+"."+key, err)
		}
		if head.Len() > 1 {
			head.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		head.Write(k)
		head.WriteByte(':')
		head.Write(raw)
	}
	if err := rd.delim('}', path); err != nil {
		return err
	}
	head.WriteByte('}')
	var sd struct {
		model.Session
		Stamp *string `json:"stamp"`
	}
	dec := json.NewDecoder(&head)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sd); err != nil {
		return pathError(path, err)
	}
	s := sd.Session
	stamp, err := parseStamp(path+".stamp", sd.Stamp)
	if err != nil {
		return err
	}
	s.Stamp = stamp
	if err := s.ValidateNew(); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalid, path, err)
	}
	if j, dup := rd.sessions[s.ID]; dup {
		return fmt.Errorf("%w: %s.id: %q is also the id of sessions[%d]", ErrInvalid, path, s.ID, j)
	}
	rd.sessions[s.ID] = i
	for k := range turns {
		t := &turns[k]
		tp := fmt.Sprintf("%s.turns[%d]", path, k)
		if t.Session != "" && t.Session != s.ID {
			return fmt.Errorf("%w: %s.session: %q, but the turn is listed in session %q (leave session out)", ErrInvalid, tp, t.Session, s.ID)
		}
		t.Session = s.ID
		if err := t.ValidateNew(); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInvalid, tp, err)
		}
		if len(t.Text) > model.MaxTextBytes {
			return fmt.Errorf("%w: %s.text: %d bytes, at most %d", ErrInvalid, tp, len(t.Text), model.MaxTextBytes)
		}
		if other, dup := rd.turns[t.ID]; dup {
			return fmt.Errorf("%w: %s.id: %q is also the id of a turn of session %q", ErrInvalid, tp, t.ID, other)
		}
		rd.turns[t.ID] = s.ID
	}
	rd.st.Sessions = append(rd.st.Sessions, s)
	rd.st.Turns = append(rd.st.Turns, turns...)
	return nil
}

func (rd *reader) readTurns(path string) ([]model.Turn, error) {
	if err := rd.delim('[', path); err != nil {
		return nil, err
	}
	var out []model.Turn
	for k := 0; rd.dec.More(); k++ {
		if len(rd.turns)+len(out) >= rd.maxTurns {
			return nil, fmt.Errorf("%w: %s[%d]: more than %d turns in one file", ErrInvalid, path, k, rd.maxTurns)
		}
		var t Turn
		if err := rd.dec.Decode(&t); err != nil {
			return nil, rd.wrap(fmt.Sprintf("%s[%d]", path, k), err)
		}
		t.Turn.Session = t.Session
		s, err := parseStamp(fmt.Sprintf("%s[%d].stamp", path, k), t.Stamp)
		if err != nil {
			return nil, err
		}
		t.Turn.Stamp = s
		out = append(out, t.Turn)
	}
	return out, rd.delim(']', path)
}

// readSync reads the "sync" member: the settings' stamps and the
// tombstones (known kinds, valid ids and stamps, one per record, none for a
// record the file holds), sorted by kind and id.
func (rd *reader) readSync(d *Sync, facts []model.Fact) (*model.SyncMeta, error) {
	m := &model.SyncMeta{}
	if ss := d.Settings; ss != nil {
		for i, p := range []*string{ss.TokenBudget, ss.MaxMemories, ss.Consent} {
			s, err := parseStamp("sync.settings."+model.SettingFields[i], p)
			if err != nil {
				return nil, err
			}
			m.SettingStamps[i] = s
		}
	}
	if len(d.Tombstones) > MaxTombstones {
		return nil, fmt.Errorf("%w: sync.tombstones: %d tombstones, at most %d", ErrInvalid, len(d.Tombstones), MaxTombstones)
	}
	factIDs := make(map[string]bool, len(facts))
	for i := range facts {
		factIDs[facts[i].ID] = true
	}
	type key struct {
		kind model.RecordKind
		id   string
	}
	seen := make(map[key]int, len(d.Tombstones))
	for i, t := range d.Tombstones {
		p := fmt.Sprintf("sync.tombstones[%d]", i)
		var kind model.RecordKind
		for k, name := range kindNames {
			if name == t.Kind {
				kind = k
			}
		}
		if kind == 0 {
			return nil, fmt.Errorf("%w: %s.kind: must be \"session\", \"turn\" or \"fact\", not %q", ErrInvalid, p, t.Kind)
		}
		if err := model.ValidateID(t.ID); err != nil {
			return nil, fmt.Errorf("%w: %s.id: %w", ErrInvalid, p, err)
		}
		stamp, err := parseStamp(p+".stamp", &t.Stamp)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[key{kind, t.ID}]; dup {
			return nil, fmt.Errorf("%w: %s: the %s %q has a tombstone already (sync.tombstones[%d])", ErrInvalid, p, t.Kind, t.ID, j)
		}
		seen[key{kind, t.ID}] = i
		var live bool
		switch kind {
		case model.KindSession:
			_, live = rd.sessions[t.ID] // every turn is listed in its session
		case model.KindTurn:
			_, live = rd.turns[t.ID]
		case model.KindFact:
			live = factIDs[t.ID]
		}
		if live {
			return nil, fmt.Errorf("%w: %s: the %s %q is deleted but the file also holds it", ErrInvalid, p, t.Kind, t.ID)
		}
		m.Tombstones = append(m.Tombstones, model.Tombstone{Kind: kind, ID: t.ID, Stamp: stamp})
	}
	order.SortFunc(m.Tombstones, func(a, b *model.Tombstone) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return m, nil
}

// checkFacts validates the facts of a file.
func checkFacts(fs []model.Fact) error {
	if len(fs) > MaxFacts {
		return fmt.Errorf("%w: facts: %d facts, at most %d", ErrInvalid, len(fs), MaxFacts)
	}
	ids := make(map[string]int, len(fs))
	for i := range fs {
		f := &fs[i]
		p := fmt.Sprintf("facts[%d]", i)
		bad := func(field, format string, args ...any) error {
			return fmt.Errorf("%w: %s.%s: %s", ErrInvalid, p, field, fmt.Sprintf(format, args...))
		}
		if err := model.ValidateID(f.ID); err != nil {
			return bad("id", "%v", err)
		}
		if j, dup := ids[f.ID]; dup {
			return bad("id", "%q is also the id of facts[%d]", f.ID, j)
		}
		ids[f.ID] = i
		for _, s := range []struct{ name, v string }{{"slot", f.Slot}, {"value", f.Value}, {"text", f.Text}} {
			switch {
			case strings.TrimSpace(s.v) == "":
				return bad(s.name, "empty")
			case len(s.v) > MaxFactText:
				return bad(s.name, "%d bytes, at most %d", len(s.v), MaxFactText)
			case !utf8.ValidString(s.v):
				return bad(s.name, "%v", model.ErrBadUTF8)
			}
		}
		if !model.ValidCategory(f.Category) {
			return bad("category", "unknown category %q", f.Category)
		}
		if f.Sensitivity != model.Normal && f.Sensitivity != model.Sensitive {
			return bad("sensitivity", "must be %q or %q, not %q", model.Normal, model.Sensitive, f.Sensitivity)
		}
		if math.IsNaN(f.Confidence) || f.Confidence < 0 || f.Confidence > 1 {
			return bad("confidence", "%v is not between 0 and 1", f.Confidence)
		}
		if f.SupersededBy != "" {
			if err := model.ValidateID(f.SupersededBy); err != nil {
				return bad("superseded_by", "%v", err)
			}
		}
		if len(f.Sources) > MaxSources {
			return bad("sources", "%d sources, at most %d", len(f.Sources), MaxSources)
		}
		for k, s := range f.Sources {
			if err := model.ValidateID(s); err != nil {
				return bad(fmt.Sprintf("sources[%d]", k), "%v", err)
			}
		}
	}
	return nil
}

var errEOF = errors.New("end of input")

// delim reads the delimiter want.
func (rd *reader) delim(want json.Delim, path string) error {
	tok, err := rd.dec.Token()
	if err == io.EOF {
		if want == '{' && path == "" && rd.dec.InputOffset() == 0 {
			return errEOF
		}
		return rd.errf(path, "the file ends early (byte %d)", rd.dec.InputOffset())
	}
	if err != nil {
		return rd.wrap(path, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		what := map[json.Delim]string{'{': "an object", '[': "an array", '}': "the end of the object", ']': "the end of the array"}[want]
		return rd.errf(path, "want %s, found %s", what, describe(tok))
	}
	return nil
}

// key reads an object member's name.
func (rd *reader) key(path string) (string, error) {
	tok, err := rd.dec.Token()
	if err != nil {
		return "", rd.wrap(path, err)
	}
	k, ok := tok.(string)
	if !ok {
		return "", rd.errf(path, "want a member name, found %s", describe(tok))
	}
	return k, nil
}

func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}

func (rd *reader) errf(path, format string, args ...any) error {
	if path == "" {
		path = "(top level)"
	}
	return fmt.Errorf("%w: %s: %s", ErrInvalid, path, fmt.Sprintf(format, args...))
}

// wrap names the path of a decoding error.
func (rd *reader) wrap(path string, err error) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return rd.errf(path, "the file ends early (byte %d)", rd.dec.InputOffset())
	}
	return pathError(path, err)
}

// pathError turns an encoding/json error into one that names the JSON
// path (prefix, then the member the decoder reports).
func pathError(prefix string, err error) error {
	join := func(field string) string {
		// Drop the Go names of embedded structs (model.Turn in Turn, …):
		// the JSON names of the model are lower case.
		var parts []string
		for _, p := range strings.Split(field, ".") {
			if p != "" && (p[0] < 'A' || p[0] > 'Z') {
				parts = append(parts, p)
			}
		}
		field = strings.Join(parts, ".")
		switch {
		case prefix == "":
			return field
		case field == "":
			return prefix
		}
		return prefix + "." + field
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		p := prefix
		if p == "" {
			p = "(top level)"
		}
		return fmt.Errorf("%w: %s: not JSON at byte %d: %s", ErrInvalid, p, se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		return fmt.Errorf("%w: %s: want %s, found a JSON %s", ErrInvalid, join(te.Field), typeName(te.Type.String()), te.Value)
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, `json: unknown field "`); ok {
		return fmt.Errorf("%w: %s: unknown member (version %d of the format has no such member)", ErrInvalid, join(strings.TrimSuffix(name, `"`)), Version)
	}
	if prefix == "" {
		prefix = "(top level)"
	}
	return fmt.Errorf("%w: %s: %s", ErrInvalid, prefix, strings.TrimPrefix(msg, "json: "))
}

func typeName(t string) string {
	switch {
	case t == "string" || strings.HasSuffix(t, "Role") || strings.HasSuffix(t, "Category") || strings.HasSuffix(t, "Sensitivity"):
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "an integer"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case t == "time.Time":
		return "an RFC 3339 time string"
	}
	return "a " + t
}
