package engine

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"math"
	"time"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/merge"
	"github.com/confidant-dev/confidant/core/model"
)

// Sync stamps (core/hlc, core/merge).
//
// Every record carries the stamp of its last write: a turn is stamped where
// it is stored (storeTurn) and tombstoned where it is removed (removeTurn);
// sessions and facts change in many places (a turn's time moves its
// session's start, learning reinforces and supersedes facts, forgetting a
// turn edits its facts' sources), so restamp compares each of them with the
// encoding it had when last stamped and stamps what differs — the end of
// every mutating method calls it, so no write path can forget to stamp.
// Deleting a record leaves a tombstone stamped after the record's version.

// seenVer is a session's or fact's canonical encoding at its stamp.
type seenVer struct {
	enc   string
	stamp hlc.Stamp
}

var deviceEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newDevice returns a random device id: 80 bits as 16 base32 letters.
func newDevice() string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("engine: no randomness for a device id: " + err.Error())
	}
	return deviceEncoding.EncodeToString(b[:])
}

// ensureDevice gives the engine its device id and clock on first use.
func (e *Engine) ensureDevice() {
	if e.clock != nil {
		return
	}
	if e.device == "" {
		e.device = newDevice()
	}
	c, err := hlc.NewClock(e.device, func() time.Time { return now() })
	if err != nil {
		panic("engine: " + err.Error())
	}
	e.clock = c
}

// Device returns the engine's device id (generated on first use).
func (e *Engine) Device() string {
	e.ensureDevice()
	return e.device
}

// legacy is the stamp of a record from a snapshot without sync metadata
// (and of settings never changed): (0, 0, LegacyDevice), older than every
// real write and the same on every device, so two devices holding the same
// legacy record hold the same version.
func (e *Engine) legacy() hlc.Stamp {
	e.ensureDevice()
	return hlc.Stamp{Device: LegacyDevice}
}

// stampNew stamps a record being created: after its tombstone, if it had
// been deleted (which the create replaces).
func (e *Engine) stampNew(k merge.Key) hlc.Stamp {
	e.ensureDevice()
	if t, ok := e.tombs[k]; ok {
		delete(e.tombs, k)
		return e.clock.After(t)
	}
	return e.clock.Now()
}

// stampEdit stamps a new version of a record stamped prev.
func (e *Engine) stampEdit(prev hlc.Stamp) hlc.Stamp {
	e.ensureDevice()
	return e.clock.After(prev)
}

// tombstone records the deletion of a record stamped prev.
func (e *Engine) tombstone(k merge.Key, prev hlc.Stamp) {
	e.ensureDevice()
	e.tombs[k] = e.clock.After(prev)
}

// restamp stamps every session and fact that changed since it was last
// stamped, and tombstones those that are gone.
func (e *Engine) restamp() {
	var buf []byte
	live := 0
	for id, s := range e.sessions {
		buf = appendSession(buf[:0], &s.Session)
		e.restampOne(merge.Key{Kind: merge.KindSession, ID: id}, buf, &s.Stamp)
		live++
	}
	for id, f := range e.facts {
		buf = appendFact(buf[:0], f)
		e.restampOne(merge.Key{Kind: merge.KindFact, ID: id}, buf, &f.Stamp)
		live++
	}
	if len(e.seen) == live {
		return
	}
	for k, v := range e.seen {
		var ok bool
		switch k.Kind {
		case merge.KindSession:
			_, ok = e.sessions[k.ID]
		case merge.KindFact:
			_, ok = e.facts[k.ID]
		}
		if !ok {
			e.tombstone(k, v.stamp)
			delete(e.seen, k)
		}
	}
}

func (e *Engine) restampOne(k merge.Key, enc []byte, stamp *hlc.Stamp) {
	v, ok := e.seen[k]
	switch {
	case !ok && stamp.IsZero():
		*stamp = e.stampNew(k)
	case !ok:
		// Stamped elsewhere (a load): take it as seen.
	case v.enc == string(enc) && *stamp == v.stamp:
		return
	case v.enc == string(enc):
		// The same content restamped by its creator.
	default:
		*stamp = e.stampEdit(v.stamp)
	}
	e.seen[k] = seenVer{enc: string(enc), stamp: *stamp}
}

// Canonical encodings (merge.Payload): injective, deterministic.

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = append(b, 1)
	return binary.AppendVarint(b, t.UnixMilli())
}

func appendSession(b []byte, s *model.Session) []byte {
	b = appendStr(b, s.ID)
	b = appendStr(b, s.Site)
	b = appendStr(b, s.Title)
	return appendTime(b, s.Start)
}

func appendTurn(b []byte, t *model.Turn) []byte {
	b = appendStr(b, t.ID)
	b = appendStr(b, t.Session)
	b = appendStr(b, string(t.Role))
	b = appendTime(b, t.Time)
	return appendStr(b, t.Text)
}

func appendFact(b []byte, f *model.Fact) []byte {
	b = appendStr(b, f.ID)
	b = appendStr(b, f.Slot)
	b = appendStr(b, f.Value)
	b = appendStr(b, f.Text)
	b = appendStr(b, string(f.Category))
	b = appendStr(b, string(f.Sensitivity))
	conf := f.Confidence
	if conf == 0 {
		conf = 0
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(conf))
	b = appendTime(b, f.ValidFrom)
	b = appendStr(b, f.SupersededBy)
	var flags byte
	if f.Pinned {
		flags |= 1
	}
	if f.UserEdited {
		flags |= 2
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(f.Sources)))
	for _, s := range f.Sources {
		b = appendStr(b, s)
	}
	return b
}

// settingField returns the canonical encoding of settings field i
// (model.SettingFields).
func appendSetting(b []byte, s *model.Settings, i int) []byte {
	switch i {
	case 0:
		return binary.AppendVarint(b, int64(s.TokenBudget))
	case 1:
		return binary.AppendVarint(b, int64(s.MaxMemories))
	}
	b = binary.AppendUvarint(b, uint64(len(s.Consent)))
	for _, c := range s.Consent {
		b = appendStr(b, string(c))
	}
	return b
}

// settingsEqual reports whether field i of a and b are equal.
func settingEqual(a, b *model.Settings, i int) bool {
	return string(appendSetting(nil, a, i)) == string(appendSetting(nil, b, i))
}

func settingIndex(name string) int {
	for i, f := range model.SettingFields {
		if f == name {
			return i
		}
	}
	return -1
}
