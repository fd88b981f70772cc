package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"

	"filippo.io/age"
)

// Passphrase exports; see "Passphrase exports" in the package doc.
const (
	// WorkFactor is the scrypt work factor (log2 N) SealPassphrase writes:
	// age's own default, about 256 MiB and half a second to a second natively.
	WorkFactor = 18
	// MaxWorkFactor is the highest work factor OpenPassphrase accepts
	// (2^20: 1 GiB of memory, the ceiling of security.md's KDF bounds);
	// a file asking for more is refused before any scrypt work.
	MaxWorkFactor = 20
	// MaxExport caps the data of a passphrase export.
	MaxExport = MaxSnapshot
)

// SealPassphrase encrypts data to a passphrase as a standard age file (one
// scrypt recipient stanza, work factor WorkFactor, binary, not armored), so
// that `age -d` decrypts it. It fails with ErrFormat for an empty
// passphrase, ErrTooLarge for data over MaxExport.
func SealPassphrase(passphrase string, data []byte) ([]byte, error) {
	return sealPassphrase(passphrase, data, WorkFactor)
}

func sealPassphrase(passphrase string, data []byte, logN int) ([]byte, error) {
	if passphrase == "" {
		return nil, fail(ErrFormat, "empty passphrase")
	}
	if len(data) > MaxExport {
		return nil, fail(ErrTooLarge, fmt.Sprintf("export of %d bytes, at most %d", len(data), MaxExport))
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, fmt.Errorf("seal: age: %w", err)
	}
	r.SetWorkFactor(logN)
	return ageEncrypt(r, data, len(data)+len(data)/ChunkSize*16+256)
}

// OpenPassphrase decrypts a passphrase-protected age file (binary, one scrypt
// stanza, work factor at most MaxWorkFactor, data at most MaxExport). Every
// failure matches exactly one sentinel: ErrWrongPassphrase, ErrWrongKey (not
// a passphrase file), ErrTooLarge, ErrTruncated, ErrTampered or ErrFormat.
func OpenPassphrase(passphrase string, blob []byte) ([]byte, error) {
	return openPassphrase(passphrase, blob, MaxWorkFactor)
}

func openPassphrase(passphrase string, blob []byte, maxLogN int) ([]byte, error) {
	if passphrase == "" {
		return nil, fail(ErrFormat, "empty passphrase")
	}
	if len(blob) > MaxBlob {
		return nil, fail(ErrTooLarge, fmt.Sprintf("file of %d bytes, at most %d", len(blob), MaxBlob))
	}
	if len(blob) < len(ageIntro) && bytes.HasPrefix([]byte(ageIntro), blob) {
		return nil, fail(ErrTruncated, fmt.Sprintf("file ends at byte %d, inside the age header", len(blob)))
	}
	if !bytes.HasPrefix(blob, []byte(ageIntro)) {
		return nil, fail(ErrFormat, "not an age file (it does not start with "+strconv.Quote(ageIntro)+")")
	}
	inner, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, fmt.Errorf("seal: age: %w", err)
	}
	inner.SetMaxWorkFactor(maxLogN)
	id := &scryptIdentity{inner: inner, maxLogN: maxLogN}
	r, err := age.Decrypt(bytes.NewReader(blob), id)
	if err != nil {
		var e *Error
		var noMatch *age.NoIdentityMatchError
		switch {
		case errors.As(err, &e):
			return nil, e
		case errors.As(err, &noMatch):
			return nil, fail(ErrWrongKey, "not a passphrase-protected file")
		case id.unwrapped && isEOF(err):
			return nil, fail(ErrTruncated, "file ends before its payload")
		case id.unwrapped:
			return nil, fail(ErrTampered, "age header MAC does not match")
		case isEOF(err):
			return nil, fail(ErrTruncated, "file ends inside the age header")
		}
		return nil, fail(ErrFormat, "age header: "+err.Error())
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxExport+1))
	switch {
	case isEOF(err):
		return nil, fail(ErrTruncated, fmt.Sprintf("no final chunk after %d bytes", len(out)))
	case err != nil:
		return nil, fail(ErrTampered, fmt.Sprintf("payload after %d bytes: %v", len(out), err))
	case len(out) > MaxExport:
		return nil, fail(ErrTooLarge, fmt.Sprintf("export over %d bytes", MaxExport))
	}
	return out, nil
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) }

// scryptIdentity checks the scrypt stanza, and bounds its work factor,
// before age's ScryptIdentity does any work, and tells its failures apart.
type scryptIdentity struct {
	inner     *age.ScryptIdentity
	maxLogN   int
	unwrapped bool
}

func (i *scryptIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	var s *age.Stanza
	for _, st := range stanzas {
		if st.Type == "scrypt" {
			s = st
		}
	}
	if s == nil {
		return nil, fail(ErrWrongKey, "not a passphrase-protected file")
	}
	if len(stanzas) != 1 {
		return nil, fail(ErrFormat, "age header: a scrypt stanza must be the only one")
	}
	if len(s.Args) != 2 {
		return nil, fail(ErrFormat, "age header: scrypt stanza needs a salt and a work factor")
	}
	if salt, err := base64.RawStdEncoding.Strict().DecodeString(s.Args[0]); err != nil || len(salt) != 16 {
		return nil, fail(ErrFormat, "age header: bad scrypt salt")
	}
	w := s.Args[1]
	logN, err := strconv.Atoi(w)
	if err != nil || w[0] == '0' || w[0] == '+' || w[0] == '-' || logN < 1 {
		return nil, fail(ErrFormat, fmt.Sprintf("age header: bad scrypt work factor %q", w))
	}
	if logN > i.maxLogN {
		return nil, fail(ErrTooLarge, fmt.Sprintf("scrypt work factor 2^%d, at most 2^%d", logN, i.maxLogN))
	}
	key, err := i.inner.Unwrap(stanzas)
	switch {
	case errors.Is(err, age.ErrIncorrectIdentity):
		return nil, fail(ErrWrongPassphrase, "")
	case err != nil:
		return nil, fail(ErrFormat, "age header: "+err.Error())
	}
	i.unwrapped = true
	return key, nil
}
