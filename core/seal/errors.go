package seal

import "errors"

// Errors callers branch on with errors.Is. Open, OpenPassphrase,
// Seen.Check and Seen.UnmarshalBinary fail with exactly one of them; the
// message says what and where.
var (
	// ErrTruncated: the blob ends early — an interrupted transfer or write.
	// Retrying the download is the remedy.
	ErrTruncated = errors.New("sealed data is truncated")
	// ErrTampered: an authentication check failed (the age header MAC, a
	// payload chunk's ChaCha20-Poly1305 tag) or bytes were appended: the blob
	// was corrupted or modified after it was sealed.
	ErrTampered = errors.New("sealed data failed authentication: corrupted or tampered with")
	// ErrWrongVault: the authenticated content names another vault than the
	// one expected.
	ErrWrongVault = errors.New("sealed snapshot belongs to another vault")
	// ErrRollback: the snapshot is older than one this device has already
	// seen for the vault (or than Expect.MinVersion): a replay.
	ErrRollback = errors.New("sealed snapshot is older than one already seen (rollback)")
	// ErrForked: the snapshot has the version of one already seen but other
	// bytes, or is the next version but does not build on the one seen: the
	// server shows this device a different history.
	ErrForked = errors.New("sealed snapshot conflicts with one already seen (fork)")
	// ErrTooLarge: a size or work factor is over its limit (MaxBlob,
	// MaxSnapshot, MaxWorkFactor), refused before the work is done.
	ErrTooLarge = errors.New("too large")
	// ErrWrongKey: no identity opens the blob: it was sealed to another
	// vault key (or its key stanza was altered, which looks the same), or
	// it is not the kind of file expected (a passphrase file given to Open,
	// a key-sealed blob given to OpenPassphrase).
	ErrWrongKey = errors.New("not sealed to this key")
	// ErrWrongPassphrase: the passphrase does not open the file.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrFormat: the input is not in this format, or breaks one of its rules
	// (an unknown format version, a non-canonical field, a bad length); for
	// Seal, a header this format cannot hold.
	ErrFormat = errors.New("malformed")
)

// sentinels lists every sentinel, for tests.
var sentinels = []error{ErrTruncated, ErrTampered, ErrWrongVault, ErrRollback, ErrForked,
	ErrTooLarge, ErrWrongKey, ErrWrongPassphrase, ErrFormat}

// Error is the one error type of this package. It reads
// "seal: <detail>: <kind>" and matches its kind, one of the sentinels above.
type Error struct {
	Kind   error
	Detail string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return "seal: " + e.Kind.Error()
	}
	return "seal: " + e.Detail + ": " + e.Kind.Error()
}

func (e *Error) Unwrap() error { return e.Kind }

func fail(kind error, detail string) error { return &Error{Kind: kind, Detail: detail} }
