// Package model holds Confidant's data model: the records the engine stores,
// exports and syncs. It has no behaviour beyond validation, so every other
// package (index, extraction, snapshot, wasm ABI) can share it without cycles.
//
// Times are UTC and serialised as RFC 3339. Ids are opaque strings chosen by
// the caller (turns, sessions) or derived deterministically by the engine
// (facts), which is what makes ingest idempotent.
package model

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/confidant-dev/confidant/core/hlc"
)

// Role says who wrote a turn.
type Role string

// The two roles a chat turn can have.
const (
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Session is one conversation on one chat site.
type Session struct {
	ID    string    `json:"id"`
	Site  string    `json:"site,omitempty"`
	Title string    `json:"title,omitempty"`
	Start time.Time `json:"start"`
	// Stamp is the sync version of the record (see SyncMeta); not part of
	// the JSON ABI.
	Stamp hlc.Stamp `json:"-"`
}

// Turn is one message in a session. Turns are the units the memory index
// retrieves.
type Turn struct {
	ID      string    `json:"id"`
	Session string    `json:"session"`
	Role    Role      `json:"role"`
	Text    string    `json:"text"`
	Time    time.Time `json:"time"`
	Stamp   hlc.Stamp `json:"-"` // sync version, see SyncMeta
}

// Category is the life domain a fact belongs to.
type Category string

// Categories the extractor assigns. Health, finance, beliefs and sexuality
// are sensitive by default (see security.md).
const (
	CatIdentity   Category = "identity"
	CatLocation   Category = "location"
	CatWork       Category = "work"
	CatEducation  Category = "education"
	CatFamily     Category = "family"
	CatPets       Category = "pets"
	CatDiet       Category = "diet"
	CatHealth     Category = "health"
	CatPreference Category = "preference"
	CatHabit      Category = "habit"
	CatGoal       Category = "goal"
	CatPlan       Category = "plan"
	CatFinance    Category = "finance"
	CatBeliefs    Category = "beliefs"
	CatOther      Category = "other"
)

// Categories lists every category in display order.
var Categories = []Category{
	CatIdentity, CatLocation, CatWork, CatEducation, CatFamily, CatPets, CatDiet,
	CatHealth, CatPreference, CatHabit, CatGoal, CatPlan, CatFinance, CatBeliefs, CatOther,
}

// ValidCategory reports whether c is one of Categories.
func ValidCategory(c Category) bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

// Sensitivity says whether a fact may be injected without explicit consent.
type Sensitivity string

// Sensitivity levels.
const (
	Normal    Sensitivity = "normal"
	Sensitive Sensitivity = "sensitive"
)

// Fact is something the user said about themselves, resolved to a slot.
// A slot is single-valued: a newer fact on the same slot supersedes the
// older one, which is kept with SupersededBy set (never silently deleted).
// Multi-valued things put their object in the slot ("like:sushi").
type Fact struct {
	ID           string      `json:"id"`
	Slot         string      `json:"slot"`
	Value        string      `json:"value"`
	Text         string      `json:"text"` // a readable statement, e.g. "lives in Lisbon"
	Category     Category    `json:"category"`
	Sensitivity  Sensitivity `json:"sensitivity"`
	Confidence   float64     `json:"confidence"`
	ValidFrom    time.Time   `json:"valid_from"`
	SupersededBy string      `json:"superseded_by,omitempty"`
	Sources      []string    `json:"sources,omitempty"` // turn ids
	Pinned       bool        `json:"pinned,omitempty"`
	UserEdited   bool        `json:"user_edited,omitempty"`
	Stamp        hlc.Stamp   `json:"-"` // sync version, see SyncMeta
}

// Current reports whether the fact has not been superseded.
func (f *Fact) Current() bool { return f.SupersededBy == "" }

// Settings are the user's engine settings.
type Settings struct {
	// TokenBudget caps the injected context block (approximate tokens).
	TokenBudget int `json:"token_budget"`
	// MaxMemories caps retrieved episodes in the context block.
	MaxMemories int `json:"max_memories"`
	// Consent lists sensitive categories the user allows to be injected.
	Consent []Category `json:"consent,omitempty"`
}

// DefaultSettings are used by a fresh store. 300 tokens is about five short
// memories plus a profile line: enough to personalise, small next to a prompt.
func DefaultSettings() Settings {
	return Settings{TokenBudget: 300, MaxMemories: 5}
}

// Limits on outside input. They bound memory and work per record; a chat
// message longer than MaxTextBytes is truncated at a rune boundary on ingest.
const (
	MaxIDBytes    = 256
	MaxTextBytes  = 64 << 10
	MaxSiteBytes  = 128
	MaxTitleBytes = 512
)

// Errors returned by Validate. Callers branch on them with errors.Is.
var (
	ErrEmptyID   = errors.New("id is empty")
	ErrLongID    = fmt.Errorf("id is longer than %d bytes", MaxIDBytes)
	ErrBadRole   = errors.New(`role must be "user" or "assistant"`)
	ErrBadUTF8   = errors.New("text is not valid UTF-8")
	ErrNoSession = errors.New("turn has no session id")
	ErrNoTime    = errors.New("time is missing")
	// ErrTimeRange refuses a time whose UTC year is outside 0–9999: JSON
	// (RFC 3339) cannot write it, so every reply that showed it would fail.
	ErrTimeRange = errors.New("time is outside the years 0 to 9999 (UTC)")
	ErrLongField = errors.New("field is too long")
)

// ValidateID checks an id's shape.
func ValidateID(id string) error {
	switch {
	case id == "":
		return ErrEmptyID
	case len(id) > MaxIDBytes:
		return ErrLongID
	case !utf8.ValidString(id):
		return ErrBadUTF8
	}
	return nil
}

// Validate checks a turn before ingest, returning a wrapped sentinel that
// names the offending field.
func (t *Turn) Validate() error {
	if err := ValidateID(t.ID); err != nil {
		return fmt.Errorf("turn id: %w", err)
	}
	if err := ValidateID(t.Session); err != nil {
		if errors.Is(err, ErrEmptyID) {
			return fmt.Errorf("turn %q: %w", t.ID, ErrNoSession)
		}
		return fmt.Errorf("turn %q session: %w", t.ID, err)
	}
	if t.Role != RoleUser && t.Role != RoleAssistant {
		return fmt.Errorf("turn %q: %w (got %q)", t.ID, ErrBadRole, t.Role)
	}
	if !utf8.ValidString(t.Text) {
		return fmt.Errorf("turn %q: %w", t.ID, ErrBadUTF8)
	}
	if t.Time.IsZero() {
		return fmt.Errorf("turn %q: %w", t.ID, ErrNoTime)
	}
	return nil
}

// ValidateNew is Validate for a turn entering the store now, with the rules
// added since stores were first written (a stored turn from before one
// still loads and saves): its time must be one JSON can write.
func (t *Turn) ValidateNew() error {
	if err := t.Validate(); err != nil {
		return err
	}
	if !InRange(t.Time) {
		return fmt.Errorf("turn %q: %w", t.ID, ErrTimeRange)
	}
	return nil
}

// InRange reports whether t's UTC year is one JSON can write (0–9999).
func InRange(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}

// Validate checks a session's metadata before ingest.
func (s *Session) Validate() error {
	if err := ValidateID(s.ID); err != nil {
		return fmt.Errorf("session id: %w", err)
	}
	if len(s.Site) > MaxSiteBytes || len(s.Title) > MaxTitleBytes {
		return fmt.Errorf("session %q: site (max %d bytes) or title (max %d bytes): %w", s.ID, MaxSiteBytes, MaxTitleBytes, ErrLongField)
	}
	if !utf8.ValidString(s.Site) || !utf8.ValidString(s.Title) {
		return fmt.Errorf("session %q: %w", s.ID, ErrBadUTF8)
	}
	return nil
}

// ValidateNew is Validate for a session entering the store now (see
// Turn.ValidateNew).
func (s *Session) ValidateNew() error {
	if err := s.Validate(); err != nil {
		return err
	}
	if !InRange(s.Start) {
		return fmt.Errorf("session %q start: %w", s.ID, ErrTimeRange)
	}
	return nil
}

// State is everything the engine persists: the unit of snapshot, export and
// sync. Slices are sorted by id so equal states encode to equal bytes.
type State struct {
	Sessions []Session `json:"sessions"`
	Turns    []Turn    `json:"turns"`
	Facts    []Fact    `json:"facts"`
	Settings Settings  `json:"settings"`
	// Sync is the sync metadata (snapshot versions 3 and 4): nil for a
	// state without it, in which case every record's Stamp is zero.
	Sync *SyncMeta `json:"-"`
}

// ClearStamps zeroes every record's sync stamp in place: the form of a
// state without sync metadata (Sync nil). The slices are the state's own;
// clone them first to keep the stamped records.
func (s *State) ClearStamps() {
	for i := range s.Sessions {
		s.Sessions[i].Stamp = hlc.Stamp{}
	}
	for i := range s.Turns {
		s.Turns[i].Stamp = hlc.Stamp{}
	}
	for i := range s.Facts {
		s.Facts[i].Stamp = hlc.Stamp{}
	}
}

// SyncMeta is what a state carries for sync (core/merge): the device that
// holds it, the stamps of the settings' fields and the tombstones. With
// SyncMeta set, every session, turn and fact has a valid Stamp.
type SyncMeta struct {
	// Device is this device's id (hlc.ValidDevice), generated at random on
	// first use and kept with the state.
	Device string
	// SettingStamps are the stamps of the settings' fields, in the order of
	// SettingFields.
	SettingStamps [3]hlc.Stamp
	// Tombstones are deleted records, sorted by (Kind, ID), at most one per
	// key and none for a live record.
	Tombstones []Tombstone
}

// SettingFields names the settings' fields as sync records (their JSON
// names), in the order of SyncMeta.SettingStamps.
var SettingFields = [3]string{"token_budget", "max_memories", "consent"}

// RecordKind is the type of a synced record; the values are core/merge's
// kinds.
type RecordKind uint8

// Record kinds.
const (
	KindSession RecordKind = 1
	KindTurn    RecordKind = 2
	KindFact    RecordKind = 3
	KindSetting RecordKind = 4
)

// Tombstone records the deletion of a record: its key and the stamp of the
// delete.
type Tombstone struct {
	Kind  RecordKind
	ID    string
	Stamp hlc.Stamp
}
