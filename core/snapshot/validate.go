package snapshot

import (
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"github.com/confidant-dev/confidant/core/model"
)

// The record rules below are shared by Encode and Decode, so whatever Encode
// writes, Decode accepts. Each returns the cause; the caller adds the place
// and the kind (ErrInvalid when encoding, ErrCorrupt when decoding).

var (
	errLongText     = fmt.Errorf("longer than %d bytes", model.MaxTextBytes)
	errLongSite     = fmt.Errorf("site is longer than %d bytes", model.MaxSiteBytes)
	errConfidence   = errors.New("confidence is not a finite number")
	errTimeRange    = errors.New("time does not fit in int64 Unix milliseconds")
	errBadCategory  = errors.New("unknown category")
	errBadSensitive = errors.New("unknown sensitivity")
)

// checkText checks a free-text field.
func checkText(name, s string) error {
	if len(s) > model.MaxTextBytes {
		return fmt.Errorf("%s is %w", name, errLongText)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s: %w", name, model.ErrBadUTF8)
	}
	return nil
}

func checkID(name, id string) error {
	if err := model.ValidateID(id); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func checkSession(s *model.Session) error {
	if err := checkID("id", s.ID); err != nil {
		return err
	}
	if len(s.Site) > model.MaxSiteBytes {
		return errLongSite
	}
	if err := checkText("site", s.Site); err != nil {
		return err
	}
	return checkText("title", s.Title)
}

// checkTurn is the model's rules (ids, session, role, UTF-8, time) and the
// format's bound on text. The model's are not repeated here: each pass over
// a turn's text is a pass over every stored text in a cold start's load.
func checkTurn(t *model.Turn) error {
	if len(t.Text) > model.MaxTextBytes {
		return fmt.Errorf("text is %w", errLongText)
	}
	return t.Validate()
}

func checkFact(f *model.Fact) error {
	if err := checkID("id", f.ID); err != nil {
		return err
	}
	for _, field := range [...]struct{ name, s string }{
		{"slot", f.Slot}, {"value", f.Value}, {"text", f.Text},
	} {
		if err := checkText(field.name, field.s); err != nil {
			return err
		}
	}
	if _, ok := categoryCode(f.Category); !ok {
		return fmt.Errorf("%w %q", errBadCategory, f.Category)
	}
	if _, ok := sensitivityCode(f.Sensitivity); !ok {
		return fmt.Errorf("%w %q", errBadSensitive, f.Sensitivity)
	}
	if math.IsNaN(f.Confidence) || math.IsInf(f.Confidence, 0) {
		return errConfidence
	}
	if f.SupersededBy != "" {
		if err := checkID("superseded_by", f.SupersededBy); err != nil {
			return err
		}
	}
	for i, src := range f.Sources {
		if err := checkID(fmt.Sprintf("source %d", i), src); err != nil {
			return err
		}
	}
	return nil
}

// checkTime reports whether t can be written as int64 Unix milliseconds.
// UnixMilli wraps silently on overflow, so the check converts back.
func checkTime(t time.Time) error {
	back := time.UnixMilli(t.UnixMilli())
	if back.Unix() != t.Unix() || back.Nanosecond()/1e6 != t.Nanosecond()/1e6 {
		return errTimeRange
	}
	return nil
}
