package export

import (
	"bytes"
	"time"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/seal"
)

// AgeHeader starts every age file.
const AgeHeader = "age-encryption.org/v1"

// IsAge reports whether data starts like an age file.
func IsAge(data []byte) bool { return bytes.HasPrefix(data, []byte(AgeHeader+"\n")) }

// IsJSON reports whether data looks like a JSON export: an object whose
// first member is "format" (how WriteJSON starts). It is a cheap guess for
// choosing a reader; ReadJSON decides.
func IsJSON(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	data = bytes.TrimLeft(data[1:], " \t\r\n")
	return bytes.HasPrefix(data, []byte(`"format"`))
}

// SealJSON returns the JSON export of st encrypted to passphrase as a
// standard age file (core/seal.SealPassphrase; at most seal.MaxExport
// bytes of JSON).
func SealJSON(st *model.State, at time.Time, passphrase string) ([]byte, error) {
	data, err := MarshalJSON(st, at)
	if err != nil {
		return nil, err
	}
	return seal.SealPassphrase(passphrase, data)
}

// OpenJSON decrypts an age export with passphrase and reads the JSON export
// inside. Decryption errors are core/seal's (seal.ErrWrongPassphrase, …).
func OpenJSON(blob []byte, passphrase string) (*model.State, error) {
	data, err := seal.OpenPassphrase(passphrase, blob)
	if err != nil {
		return nil, err
	}
	return UnmarshalJSON(data)
}
