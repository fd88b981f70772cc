package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/vault"
)

// goldenDir holds the golden vectors: sealed blobs with one defect each and
// vectors.json, which says how to open each and what it must give. age's
// output is randomised, so the blobs are generated once
// (SEAL_GOLDEN_UPDATE=1 go test -run TestGolden ./core/seal) and
// committed; the test opens the committed files.
var goldenDir = filepath.Join("..", "..", "testdata", "seal")

// vector is one entry of vectors.json.
type vector struct {
	File string `json:"file"`
	// Defect says what is wrong with the blob, or "none".
	Defect string `json:"defect"`
	// Code is the recovery code of the vault key to open it with.
	Code string `json:"key_recovery_code"`
	// SeenVersion and SeenHash (hex), if set, are what the opening device
	// has seen for the vault.
	SeenVersion uint64 `json:"seen_version,omitempty"`
	SeenHash    string `json:"seen_hash,omitempty"`
	// Error is the sentinel Open must match, or "" for success.
	Error string `json:"error"`
	// For a vector that opens: the header and the snapshot's SHA-256.
	Version        uint64 `json:"version,omitempty"`
	Parent         string `json:"parent,omitempty"`
	Device         string `json:"device,omitempty"`
	SnapshotSHA256 string `json:"snapshot_sha256,omitempty"`
}

var sentinelNames = map[string]error{
	"ErrTruncated": ErrTruncated, "ErrTampered": ErrTampered, "ErrWrongVault": ErrWrongVault,
	"ErrRollback": ErrRollback, "ErrForked": ErrForked, "ErrTooLarge": ErrTooLarge,
	"ErrWrongKey": ErrWrongKey, "ErrWrongPassphrase": ErrWrongPassphrase, "ErrFormat": ErrFormat,
}

// Golden keys: A = bytes 0x10..0x2f, B = bytes 0x40..0x5f.
var goldenA, goldenB = fixedKey(0x10), fixedKey(0x40)

// goldenSnapshot is a deterministic text of about 6 KB.
func goldenSnapshot(seed int) []byte {
	var b strings.Builder
	for i := range 120 {
		fmt.Fprintf(&b, "turn %d of conversation %d: I moved to Lisbon in May and adopted a cat.\n", i, seed)
	}
	return []byte(b.String())
}

func goldenHeader(version uint64) Header {
	parent := sha256.Sum256([]byte(fmt.Sprintf("golden blob %d", version-1)))
	return Header{Vault: goldenA.ID(), Version: version, Parent: parent, Device: "golden-device-1"}
}

// generateGolden seals the vectors and returns the files and the manifest.
func generateGolden(t *testing.T) (map[string][]byte, []vector) {
	files := map[string][]byte{}
	var vs []vector
	codeA := vault.RecoveryCode(goldenA)
	seal := func(k vault.Key, h Header, snap []byte) []byte {
		b, err := Seal(k, h, snap)
		require.NoError(t, err)
		return b
	}
	hexHash := func(b []byte) string { h := BlobHash(b); return hex.EncodeToString(h[:]) }

	h5 := goldenHeader(5)
	snap := goldenSnapshot(5)
	good := seal(goldenA, h5, snap)
	files["good.age"] = good
	sum := sha256.Sum256(snap)
	vs = append(vs, vector{File: "good.age", Defect: "none", Code: codeA, Version: 5,
		Parent: hex.EncodeToString(h5.Parent[:]), Device: h5.Device, SnapshotSHA256: hex.EncodeToString(sum[:])})

	files["truncated.age"] = good[:len(good)-1000]
	vs = append(vs, vector{File: "truncated.age", Defect: "the last 1000 bytes cut off", Code: codeA, Error: "ErrTruncated"})

	flipped := bytes.Clone(good)
	flipped[ageHeaderSize+ageNonceSize+100] ^= 0x01
	files["flipped.age"] = flipped
	vs = append(vs, vector{File: "flipped.age", Defect: "one bit flipped in the first payload chunk", Code: codeA, Error: "ErrTampered"})

	other := h5
	other.Vault = goldenB.ID()
	content := rawContent(other, uint32(len(snap)), encoder().EncodeAll(snap, nil), -1)
	files["wrong-vault.age"] = sealContent(t, goldenA, content)
	vs = append(vs, vector{File: "wrong-vault.age", Defect: "sealed with key A, content names vault B", Code: codeA, Error: "ErrWrongVault"})

	files["older.age"] = seal(goldenA, goldenHeader(3), goldenSnapshot(3))
	vs = append(vs, vector{File: "older.age", Defect: "version 3 after version 5 (good.age) was seen", Code: codeA,
		SeenVersion: 5, SeenHash: hexHash(good), Error: "ErrRollback"})

	files["forked.age"] = seal(goldenA, h5, goldenSnapshot(55))
	vs = append(vs, vector{File: "forked.age", Defect: "version 5 with other bytes than the version 5 (good.age) seen", Code: codeA,
		SeenVersion: 5, SeenHash: hexHash(good), Error: "ErrForked"})

	files["not-child.age"] = seal(goldenA, goldenHeader(6), goldenSnapshot(6))
	vs = append(vs, vector{File: "not-child.age", Defect: "version 6 whose parent is not the version 5 (good.age) seen", Code: codeA,
		SeenVersion: 5, SeenHash: hexHash(good), Error: "ErrForked"})

	// 80 MiB of zeros compress to a few KiB.
	zeros := encoder().EncodeAll(make([]byte, 80<<20), nil)
	files["oversized.age"] = sealContent(t, goldenA, rawContent(h5, 80<<20, zeros, -1))
	vs = append(vs, vector{File: "oversized.age", Defect: "content declares an 80 MiB snapshot (over MaxSnapshot)", Code: codeA, Error: "ErrTooLarge"})

	files["bomb.age"] = sealContent(t, goldenA, rawContent(h5, 1024, streamedZeros(t, 80<<20), -1))
	vs = append(vs, vector{File: "bomb.age", Defect: "content declares 1 KiB, its zstd frame (no content size) decompresses to 80 MiB", Code: codeA, Error: "ErrTooLarge"})

	files["wrong-key.age"] = seal(goldenB, Header{Vault: goldenB.ID(), Version: 5, Parent: h5.Parent, Device: h5.Device}, snap)
	vs = append(vs, vector{File: "wrong-key.age", Defect: "sealed to vault key B, opened with A", Code: codeA, Error: "ErrWrongKey"})

	v2 := rawContent(h5, uint32(len(snap)), encoder().EncodeAll(snap, nil), -1)
	v2[4] = 2
	files["format-version-2.age"] = sealContent(t, goldenA, v2)
	vs = append(vs, vector{File: "format-version-2.age", Defect: "content format version 2 (unknown)", Code: codeA, Error: "ErrFormat"})
	return files, vs
}

func TestGolden(t *testing.T) {
	if os.Getenv("SEAL_GOLDEN_UPDATE") == "1" {
		files, vs := generateGolden(t)
		require.NoError(t, os.MkdirAll(goldenDir, 0o755))
		for name, b := range files {
			require.NoError(t, os.WriteFile(filepath.Join(goldenDir, name), b, 0o644))
		}
		j, err := json.MarshalIndent(vs, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(goldenDir, "vectors.json"), append(j, '\n'), 0o644))
		t.Logf("wrote %d vectors to %s", len(vs), goldenDir)
	}
	j, err := os.ReadFile(filepath.Join(goldenDir, "vectors.json"))
	require.NoError(t, err)
	var vs []vector
	require.NoError(t, json.Unmarshal(j, &vs))
	require.Len(t, vs, 11)
	errs := map[string]bool{}
	for _, v := range vs {
		t.Run(v.File, func(t *testing.T) {
			blob, err := os.ReadFile(filepath.Join(goldenDir, v.File))
			require.NoError(t, err)
			k, err := vault.ParseRecoveryCode(v.Code)
			require.NoError(t, err)
			want := Expect{Vault: k.ID()}
			if v.SeenVersion != 0 {
				var hash [32]byte
				_, err := hex.Decode(hash[:], []byte(v.SeenHash))
				require.NoError(t, err)
				want.Seen = &Seen{}
				h := Header{Vault: k.ID(), Version: v.SeenVersion, Parent: [32]byte{1}, Device: "x"}
				require.NoError(t, want.Seen.Record(h, hash))
			}
			h, snap, err := Open(k, blob, want)
			if v.Error != "" {
				requireOne(t, err, sentinelNames[v.Error])
				t.Log(err)
				errs[v.Error] = true
				return
			}
			require.NoError(t, err)
			require.Equal(t, v.Version, h.Version)
			require.Equal(t, v.Parent, hex.EncodeToString(h.Parent[:]))
			require.Equal(t, v.Device, h.Device)
			sum := sha256.Sum256(snap)
			require.Equal(t, v.SnapshotSHA256, hex.EncodeToString(sum[:]))
			// The format is stable: the header of the content decrypted
			// from the committed blob is what this code writes for it
			// today (the zstd frame may differ with the encoder's level).
			content, err := decrypt(k, blob)
			require.NoError(t, err)
			now, err := encodeContent(h, snap)
			require.NoError(t, err)
			n := fixedHeader + len(h.Device) + 4
			require.Equal(t, hex.EncodeToString(now[:n]), hex.EncodeToString(content[:n]))
			require.True(t, bytes.HasPrefix(content, appendHeader(nil, h, uint32(len(snap)), 0)[:n]))
		})
	}
	require.Len(t, errs, 8, "each defect class: %v", errs)
}

// streamedZeros is n zero bytes as a zstd frame written by the streaming
// encoder, which declares no content size.
func streamedZeros(t testing.TB, n int) []byte {
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1))
	require.NoError(t, err)
	_, err = zw.Write(make([]byte, n))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}
