package seal

import (
	"bytes"
	"github.com/confidant-dev/confidant/internal/agecli"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/stretchr/testify/require"
)

// testWorkFactor keeps scrypt cheap in tests of everything but the bound.
const testWorkFactor = 4

func TestPassphraseRoundTrip(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("x"), randBytes(7, 3*ChunkSize+5)} {
		blob, err := sealPassphrase("correct horse", data, testWorkFactor)
		require.NoError(t, err)
		got, err := openPassphrase("correct horse", blob, testWorkFactor)
		require.NoError(t, err)
		require.True(t, bytes.Equal(data, got))
		_, err = openPassphrase("wrong horse", blob, testWorkFactor)
		requireOne(t, err, ErrWrongPassphrase)
	}
}

// TestPassphraseDefaults: the public functions write work factor 18 and read
// it back; the time is logged.
func TestPassphraseDefaults(t *testing.T) {
	t.Parallel()
	start := time.Now()
	blob, err := SealPassphrase("correct horse", []byte("export"))
	require.NoError(t, err)
	sealed := time.Since(start)
	require.Contains(t, string(blob[:80]), " 18\n")
	start = time.Now()
	got, err := OpenPassphrase("correct horse", blob)
	require.NoError(t, err)
	require.Equal(t, []byte("export"), got)
	t.Logf("scrypt 2^18: seal %v, open %v", sealed, time.Since(start))
}

// withWorkFactor rewrites the work factor of a scrypt stanza (the header
// MAC then fails, but the bound is checked first).
func withWorkFactor(t *testing.T, blob []byte, from, to string) []byte {
	t.Helper()
	i := bytes.Index(blob, []byte(" "+from+"\n"))
	require.Positive(t, i)
	return bytes.Join([][]byte{blob[:i], []byte(" " + to + "\n"), blob[i+len(from)+2:]}, nil)
}

func TestPassphraseDefects(t *testing.T) {
	blob, err := sealPassphrase("pw", []byte("some export data"), testWorkFactor)
	require.NoError(t, err)
	k := fixedKey(1)
	sealed, err := Seal(k, hdr(k, 1, [32]byte{}), []byte("x"))
	require.NoError(t, err)
	two, err := sealPassphrase("pw", randBytes(1, ChunkSize+10), testWorkFactor)
	require.NoError(t, err)
	tests := []struct {
		name string
		in   []byte
		max  int
		want error
	}{
		{"work factor over the bound", withWorkFactor(t, blob, "4", "21"), MaxWorkFactor, ErrTooLarge},
		{"work factor 2^30", withWorkFactor(t, blob, "4", "30"), MaxWorkFactor, ErrTooLarge},
		{"work factor huge", withWorkFactor(t, blob, "4", "99999999999999999999"), MaxWorkFactor, ErrFormat},
		{"work factor leading zero", withWorkFactor(t, blob, "4", "04"), MaxWorkFactor, ErrFormat},
		{"work factor 0", withWorkFactor(t, blob, "4", "0"), MaxWorkFactor, ErrFormat},
		{"work factor changed", withWorkFactor(t, blob, "4", "5"), MaxWorkFactor, ErrWrongPassphrase},
		{"a sealed snapshot", sealed, MaxWorkFactor, ErrWrongKey},
		{"empty", nil, MaxWorkFactor, ErrTruncated},
		{"intro cut", blob[:10], MaxWorkFactor, ErrTruncated},
		{"header cut", blob[:40], MaxWorkFactor, ErrTruncated},
		{"no payload", blob[:bytes.Index(blob, []byte("\n--- "))+48], MaxWorkFactor, ErrTruncated},
		{"final chunk gone", two[:len(two)-26], MaxWorkFactor, ErrTruncated},
		{"payload cut", blob[:len(blob)-1], MaxWorkFactor, ErrTampered},
		{"payload flipped", append(bytes.Clone(blob[:len(blob)-1]), blob[len(blob)-1]^1), MaxWorkFactor, ErrTampered},
		{"appended", append(bytes.Clone(blob), 0), MaxWorkFactor, ErrTampered},
		{"not age", []byte("CFDS\x01\x00 hello"), MaxWorkFactor, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := openPassphrase("pw", tt.in, tt.max)
			require.Nil(t, out)
			requireOne(t, err, tt.want)
		})
	}
	_, err = SealPassphrase("", nil)
	requireOne(t, err, ErrFormat)
	_, err = OpenPassphrase("", blob)
	requireOne(t, err, ErrFormat)
}

// TestPassphraseAgeLibrary: age's own library decrypts an export, and
// OpenPassphrase reads a file age's library wrote.
func TestPassphraseAgeLibrary(t *testing.T) {
	data := randBytes(2, 100_000)
	blob, err := sealPassphrase("pässphrase", data, testWorkFactor)
	require.NoError(t, err)
	id, err := age.NewScryptIdentity("pässphrase")
	require.NoError(t, err)
	r, err := age.Decrypt(bytes.NewReader(blob), id)
	require.NoError(t, err)
	var got bytes.Buffer
	_, err = got.ReadFrom(r)
	require.NoError(t, err)
	require.Equal(t, data, got.Bytes())

	rc, err := age.NewScryptRecipient("pässphrase")
	require.NoError(t, err)
	rc.SetWorkFactor(testWorkFactor)
	var file bytes.Buffer
	w, err := age.Encrypt(&file, rc)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	out, err := openPassphrase("pässphrase", file.Bytes(), testWorkFactor)
	require.NoError(t, err)
	require.Equal(t, data, out)
}

// ageCLI returns the paths of the age command and of script (util-linux,
// which gives age the terminal it reads passphrases from), or skips.
// TestAgeCLIDecryptsPassphraseExport_SkipsWithoutAgeBinary: the age
// command-line tool decrypts an export with its passphrase, and
// OpenPassphrase opens a file the tool encrypted.
func TestAgeCLIDecryptsPassphraseExport_SkipsWithoutAgeBinary(t *testing.T) {
	t.Parallel()
	data := []byte("CFDS exported memories\n")
	blob, err := SealPassphrase("tr0ub4dor&3", data)
	require.NoError(t, err)
	require.Equal(t, data, agecli.Decrypt(t, blob, "tr0ub4dor&3"))

	fromCLI := agecli.Encrypt(t, data, "tr0ub4dor&3")
	opened, err := OpenPassphrase("tr0ub4dor&3", fromCLI)
	require.NoError(t, err)
	require.Equal(t, data, opened)
}

// TestAgeCLIDecryptsSealedBlob_SkipsWithoutAgeBinary: a sealed blob is an
// age file the command-line tool decrypts with the derived identity.
func TestAgeCLIDecryptsSealedBlob_SkipsWithoutAgeBinary(t *testing.T) {
	ageBin, _ := agecli.Find(t)
	dir := t.TempDir()
	k := fixedKey(5)
	blob, err := Seal(k, hdr(k, 1, [32]byte{}), []byte("snapshot"))
	require.NoError(t, err)
	keyFile, in := filepath.Join(dir, "key.txt"), filepath.Join(dir, "blob.age")
	require.NoError(t, os.WriteFile(keyFile, []byte(identity(k).String()+"\n"), 0o600))
	require.NoError(t, os.WriteFile(in, blob, 0o600))
	out, err := exec.Command(ageBin, "-d", "-i", keyFile, in).Output()
	require.NoError(t, err)
	require.Len(t, out, ChunkSize)
	h, frame, n, err := parseContent(out)
	require.NoError(t, err)
	require.Equal(t, hdr(k, 1, [32]byte{}), h)
	snap, err := decompress(frame, n)
	require.NoError(t, err)
	require.Equal(t, []byte("snapshot"), snap)
}

func FuzzOpenPassphrase(f *testing.F) {
	for _, data := range [][]byte{nil, []byte("x"), randBytes(3, ChunkSize+1)} {
		b, err := sealPassphrase("pw", data, testWorkFactor)
		require.NoError(f, err)
		f.Add(b)
	}
	k := fixedKey(1)
	b, err := Seal(k, hdr(k, 1, [32]byte{}), []byte("x"))
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte("age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 30\nAAAA\n--- AAAA\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// The bound keeps any input to at most 2^8 scrypt iterations.
		out, err := openPassphrase("pw", b, 8)
		if err != nil {
			require.Nil(t, out)
			requireOne(t, err, nil)
		}
	})
}
