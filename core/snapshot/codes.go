package snapshot

import "github.com/confidant-dev/confidant/core/model"

// The one-byte codes of version 1. They are part of the format, not of the
// model: reordering model.Categories must not change a snapshot, and a code
// is never reassigned. Adding one takes a new version (see doc.go).

var roleCodes = [...]model.Role{1: model.RoleUser, 2: model.RoleAssistant}

var sensitivityCodes = [...]model.Sensitivity{1: model.Normal, 2: model.Sensitive}

var categoryCodes = [...]model.Category{
	1:  model.CatIdentity,
	2:  model.CatLocation,
	3:  model.CatWork,
	4:  model.CatEducation,
	5:  model.CatFamily,
	6:  model.CatPets,
	7:  model.CatDiet,
	8:  model.CatHealth,
	9:  model.CatPreference,
	10: model.CatHabit,
	11: model.CatGoal,
	12: model.CatPlan,
	13: model.CatFinance,
	14: model.CatBeliefs,
	15: model.CatOther,
}

// Fact flag bits.
const (
	flagPinned     = 1 << 0
	flagUserEdited = 1 << 1
	factFlagsKnown = flagPinned | flagUserEdited
)

func roleCode(r model.Role) (byte, bool) {
	switch r {
	case model.RoleUser:
		return 1, true
	case model.RoleAssistant:
		return 2, true
	}
	return 0, false
}

func sensitivityCode(s model.Sensitivity) (byte, bool) {
	switch s {
	case model.Normal:
		return 1, true
	case model.Sensitive:
		return 2, true
	}
	return 0, false
}

func categoryCode(c model.Category) (byte, bool) {
	for i := 1; i < len(categoryCodes); i++ {
		if categoryCodes[i] == c {
			return byte(i), true
		}
	}
	return 0, false
}

// lookup returns table[code] if code names an entry.
func lookup[T ~string](table []T, code byte) (T, bool) {
	if int(code) >= len(table) || table[code] == "" {
		return "", false
	}
	return table[code], true
}
