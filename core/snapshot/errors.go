package snapshot

import (
	"errors"
	"fmt"
)

// Errors callers branch on with errors.Is. Decode returns exactly one of the
// first seven for any defect; Encode returns ErrInvalid or ErrTooLarge.
var (
	// ErrMagic means the input does not start with "CFDS": it is not a
	// snapshot at all.
	ErrMagic = errors.New("not a snapshot")
	// ErrVersion means the snapshot has a version or flag this reader does
	// not know; a newer reader may accept it.
	ErrVersion = errors.New("unsupported version")
	// ErrTruncated means the input ends before the structure it declares is
	// complete: typically an interrupted write or transfer.
	ErrTruncated = errors.New("truncated")
	// ErrTrailing means bytes follow the end of the snapshot.
	ErrTrailing = errors.New("trailing data")
	// ErrTooLarge means a size or count exceeds a limit (MaxSize, MaxWindow,
	// a per-string limit) or the bytes that remain to hold it.
	ErrTooLarge = errors.New("too large")
	// ErrChecksum means the body does not match its CRC-32C.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrCorrupt means the snapshot is malformed: bad compressed data, a
	// non-canonical encoding, an unknown code or a field the model refuses.
	ErrCorrupt = errors.New("corrupt")
	// ErrInvalid means Encode was given a state the format cannot hold, such
	// as a duplicate id, an unknown category or a time beyond int64
	// milliseconds.
	ErrInvalid = errors.New("invalid state")
)

// formatError is the one error type of this package. Its message reads
// "snapshot: <where>: <cause>: <kind>", and it matches both its kind (one of
// the sentinels above) and its cause (for example model.ErrBadUTF8).
type formatError struct {
	kind  error
	where string
	cause error
}

func (e *formatError) Error() string {
	msg := "snapshot: "
	if e.where != "" {
		msg += e.where + ": "
	}
	if e.cause != nil {
		msg += e.cause.Error() + ": "
	}
	return msg + e.kind.Error()
}

func (e *formatError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// fail builds every error this package returns. kind is a sentinel, where
// names the place ("turn 12", "header"), and cause, which may be nil, says
// what is wrong.
func fail(kind error, where string, cause error) error {
	return &formatError{kind: kind, where: where, cause: cause}
}

// failf is fail with a formatted cause that wraps nothing.
func failf(kind error, where, format string, args ...any) error {
	return fail(kind, where, fmt.Errorf(format, args...))
}
