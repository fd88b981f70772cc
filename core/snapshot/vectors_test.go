package snapshot

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/confidant-dev/confidant/core/model"
)

var update = flag.Bool("update", false, "rewrite the golden vectors in testdata/snapshot")

// vectorDir holds the golden vectors, shared with other implementations.
var vectorDir = filepath.Join("..", "..", "testdata", "snapshot")

const (
	smallVector   = "v1-small.cfds"
	smallJSON     = "v1-small.json"
	termsVector   = "v2-small-terms.cfds"
	termsJSON     = "v2-small-terms.json"
	termsS2Vector = "v2-small-terms-s2.cfds"
	storedVector  = "v2-small-terms-stored.cfds"
	smallAnalyzer = 1
)

// termsDoc is the JSON of termsVector's expectation.
type termsDoc struct {
	State *model.State `json:"state"`
	Terms struct {
		Analyzer int        `json:"analyzer"`
		Vocab    []string   `json:"vocab"`
		Turns    [][]uint32 `json:"turns"`
	} `json:"terms"`
}

func (d *termsDoc) terms() *Terms {
	return &Terms{Analyzer: d.Terms.Analyzer, Vocab: d.Terms.Vocab, Turns: d.Terms.Turns}
}

// smallTerms returns the body of termsVector (v1-small's state and its
// terms) and the terms as they decode.
func smallTerms(t *testing.T) ([]byte, *Terms) {
	small := smallState()
	body, err := appendBody(nil, small)
	require.NoError(t, err)
	body, err = appendTerms(body, small, analyzeState(small, smallAnalyzer))
	require.NoError(t, err)
	_, terms, err := decodeVersion(string(body), version2)
	require.NoError(t, err)
	require.Less(t, len(terms.Vocab), 0x80, "the vectors below assume one-byte ids and counts")
	for _, v := range terms.Vocab {
		require.Less(t, len(v), 0x80)
	}
	return body, terms
}

// listCountAt returns the offset of the terms section's list count in a body
// whose terms decode as terms.
func listCountAt(t *testing.T, body []byte, terms *Terms) int {
	at := len(body)
	for _, list := range terms.Turns {
		at -= len(list) + 1 // one-byte ids and lengths
	}
	at-- // the list count
	require.Equal(t, byte(len(terms.Turns)), body[at])
	return at
}

// resealTerms returns a version-2 snapshot of body with a correct checksum.
func resealTerms(t *testing.T, body []byte) []byte {
	b, err := seal(bytes.Clone(body), version2)
	require.NoError(t, err)
	return b
}

// withTerms returns v1-small's body followed by a terms section written as
// given.
func withTerms(t *testing.T, terms *Terms) []byte {
	body, err := appendBody(nil, smallState())
	require.NoError(t, err)
	var lists [][]uint64
	for _, l := range terms.Turns {
		var ids []uint64
		for _, id := range l {
			ids = append(ids, uint64(id))
		}
		lists = append(lists, ids)
	}
	return termsWire(body, uint64(terms.Analyzer), terms.Vocab, lists...)
}

// vector is a defect vector: one file with exactly one defect, and the
// sentinel a decoder must answer with.
type vector struct {
	name string
	desc string
	want error
	also error // a model sentinel that matches too, if any
	make func(t *testing.T, v1 []byte, body []byte) []byte
}

// reseal returns a snapshot of body with a correct checksum.
func reseal(t *testing.T, body []byte) []byte {
	b, err := seal(bytes.Clone(body), version1)
	require.NoError(t, err)
	return b
}

// index returns the offset of the first sub in b, failing if absent.
func index(t *testing.T, b []byte, sub string) int {
	i := bytes.Index(b, []byte(sub))
	require.GreaterOrEqual(t, i, 0, "%q not in body", sub)
	return i
}

func setByte(b []byte, i int, v byte) []byte {
	b = bytes.Clone(b)
	b[i] = v
	return b
}

var vectors = []vector{
	{"empty.cfds", "zero bytes", ErrTruncated, nil,
		func(t *testing.T, v1, body []byte) []byte { return []byte{} }},
	{"bad-magic.cfds", `v1-small with the magic "CFDS" changed to "CFDZ"`, ErrMagic, nil,
		func(t *testing.T, v1, body []byte) []byte { return setByte(v1, 3, 'Z') }},
	{"unknown-version.cfds", "v1-small with version byte 9", ErrVersion, nil,
		func(t *testing.T, v1, body []byte) []byte { return setByte(v1, 4, 9) }},
	{"unknown-flags.cfds", "v1-small with flags byte 0x04 (bit 2; only bits 0, s2, and 1, stored, are defined)", ErrVersion, nil,
		func(t *testing.T, v1, body []byte) []byte { return setByte(v1, 5, 4) }},
	{"two-codecs.cfds", "v1-small with flags byte 0x03: bits 0 and 1 name two codecs (s2 and stored) for one frame", ErrCorrupt, nil,
		func(t *testing.T, v1, body []byte) []byte { return setByte(v1, 5, 3) }},
	{"truncated-header.cfds", "the first 5 bytes of v1-small: the header is cut", ErrTruncated, nil,
		func(t *testing.T, v1, body []byte) []byte { return bytes.Clone(v1[:5]) }},
	{"truncated.cfds", "v1-small without its last 8 bytes: the zstd frame's last block is cut", ErrTruncated, nil,
		func(t *testing.T, v1, body []byte) []byte { return bytes.Clone(v1[:len(v1)-8]) }},
	{"trailing-garbage.cfds", `v1-small followed by "garbage"`, ErrTrailing, nil,
		func(t *testing.T, v1, body []byte) []byte { return append(bytes.Clone(v1), "garbage"...) }},
	{"content-too-large.cfds", "a valid header, then a zstd frame header declaring MaxSize+1 bytes of content", ErrTooLarge, nil,
		func(t *testing.T, v1, body []byte) []byte {
			b := append(bytes.Clone(v1[:headerSize]), 0x28, 0xb5, 0x2f, 0xfd, 0xe0)
			b = binary.LittleEndian.AppendUint64(b, MaxSize+1)
			return append(b, 1, 0, 0) // one empty last raw block
		}},
	{"flipped-body-bit.cfds", `v1-small's body with "Lisbon" changed to "Misbon" (one bit), the stored CRC-32C kept`, ErrChecksum, nil,
		func(t *testing.T, v1, body []byte) []byte {
			b := setByte(body, index(t, body, "Lisbon"), 'M')
			return wrapT(t, binary.LittleEndian.AppendUint32(b, crcOf(body)))
		}},
	{"oversized-count.cfds", "v1-small's body with the fact count set to 2^40, checksum recomputed", ErrTooLarge, nil,
		func(t *testing.T, v1, body []byte) []byte {
			small := smallState()
			noFacts := deepCopy(small)
			noFacts.Facts = nil
			prefix, err := appendBody(nil, noFacts)
			require.NoError(t, err)
			at := len(prefix) - 1 // the facts count, one byte
			require.Equal(t, prefix[:at], body[:at])
			require.Equal(t, byte(len(small.Facts)), body[at])
			b := binary.AppendUvarint(bytes.Clone(body[:at]), 1<<40)
			return reseal(t, append(b, body[at+1:]...))
		}},
	{"non-minimal-varint.cfds", "v1-small's body with token-budget written d8 84 00 instead of d8 04, checksum recomputed", ErrCorrupt, nil,
		func(t *testing.T, v1, body []byte) []byte {
			require.Equal(t, []byte{0xd8, 0x04}, body[:2])
			return reseal(t, append([]byte{0xd8, 0x84, 0x00}, body[2:]...))
		}},
	{"bad-utf8.cfds", `v1-small's body with the first byte of "é" in "café" (turn t-1's text) set to 0xff, checksum recomputed`, ErrCorrupt, model.ErrBadUTF8,
		func(t *testing.T, v1, body []byte) []byte {
			return reseal(t, setByte(body, index(t, body, "café")+len("caf"), 0xff))
		}},
	{"unsorted-turns.cfds", "v1-small's body with the ids of turns t-1 and t-2 swapped, checksum recomputed", ErrCorrupt, nil,
		func(t *testing.T, v1, body []byte) []byte {
			i1, i2 := index(t, body, "\x03t-1"), index(t, body, "\x03t-2")
			b := setByte(body, i1+3, '2')
			return reseal(t, setByte(b, i2+3, '1'))
		}},
	{"unknown-role.cfds", "v1-small's body with turn t-1's role code set to 7, checksum recomputed", ErrCorrupt, model.ErrBadRole,
		func(t *testing.T, v1, body []byte) []byte {
			// The role column follows the last id (t-5) and five session-refs.
			i := index(t, body, "\x03t-5") + 4 + 5
			require.Equal(t, []byte{1, 2, 1, 2, 1}, body[i:i+5])
			return reseal(t, setByte(body, i, 7))
		}},
	{"trailing-body.cfds", "v1-small's body followed by one zero byte, checksum recomputed", ErrTrailing, nil,
		func(t *testing.T, v1, body []byte) []byte { return reseal(t, append(bytes.Clone(body), 0)) }},

	// The terms section of version 2.
	{"v2-no-terms.cfds", "v1-small's body under a version-2 header: the terms section is missing", ErrTruncated, nil,
		func(t *testing.T, v1, body []byte) []byte { return resealTerms(t, body) }},
	{"terms-id-out-of-range.cfds", "v2-small-terms's body with its last term id (turn t-5's only term) set to the vocabulary size, checksum recomputed", ErrCorrupt, nil,
		func(t *testing.T, v1, body []byte) []byte {
			b, terms := smallTerms(t)
			require.Equal(t, byte(len(terms.Vocab)-1), b[len(b)-1], "t-5's term is used once, so it is last")
			return resealTerms(t, setByte(b, len(b)-1, byte(len(terms.Vocab))))
		}},
	{"terms-count-mismatch.cfds", "v2-small-terms's body with the term-list count 5 changed to 6, one more than the turns, checksum recomputed", ErrCorrupt, nil,
		func(t *testing.T, v1, body []byte) []byte {
			b, terms := smallTerms(t)
			return resealTerms(t, setByte(b, listCountAt(t, b, terms), 6))
		}},
	{"terms-duplicate-term.cfds", `v2-small-terms's body with its second vocabulary term replaced by the first, "i", checksum recomputed`, ErrCorrupt, nil,
		func(t *testing.T, v1, body []byte) []byte {
			_, terms := smallTerms(t)
			require.Equal(t, "i", terms.Vocab[0])
			terms.Vocab[1] = terms.Vocab[0]
			return resealTerms(t, withTerms(t, terms))
		}},
	{"terms-vocab-order.cfds", `v2-small-terms's body with its first and last vocabulary terms ("i", used 3 times, and "日本語のテキストも大丈夫", used once) swapped, ids swapped to match, checksum recomputed: the same terms, but not in the one canonical order`, ErrCorrupt, nil,
		func(t *testing.T, v1, body []byte) []byte {
			_, terms := smallTerms(t)
			last := uint32(len(terms.Vocab) - 1)
			require.Equal(t, "日本語のテキストも大丈夫", terms.Vocab[last])
			terms.Vocab[0], terms.Vocab[last] = terms.Vocab[last], terms.Vocab[0]
			for _, l := range terms.Turns {
				for k, id := range l {
					switch id {
					case 0:
						l[k] = last
					case last:
						l[k] = 0
					}
				}
			}
			return resealTerms(t, withTerms(t, terms))
		}},

	// The s2 flag: the frame is an S2 block.
	{"s2-bad-offset.cfds", "a version-2 header with the s2 flag (CFDS 02 01), then an S2 block declaring 10 bytes (0a) whose one operation, a 2-byte-offset copy (26 00 01), copies 10 bytes from offset 256, before the start of the output", ErrCorrupt, nil,
		func(t *testing.T, v1, body []byte) []byte {
			return []byte{'C', 'F', 'D', 'S', version2, flagS2, 10, 9<<2 | 2, 0x00, 0x01}
		}},
	{"stored-empty.cfds", "the header of " + storedVector + " (CFDS 02 02) with no content after it: a stored content shorter than its checksum is cut", ErrTruncated, nil,
		func(t *testing.T, v1, body []byte) []byte {
			return bytes.Clone(localTerms(t, CodecStored)[:headerSize])
		}},
	{"stored-cut.cfds", storedVector + " without its last byte: a stored content has no length of its own, so the last four bytes left are read as the checksum, which does not match", ErrChecksum, nil,
		func(t *testing.T, v1, body []byte) []byte { b := localTerms(t, CodecStored); return b[:len(b)-1] }},
	{"stored-trailing.cfds", storedVector + ` followed by "garbage": the bytes after the content are part of it, so the checksum does not match`, ErrChecksum, nil,
		func(t *testing.T, v1, body []byte) []byte { return append(localTerms(t, CodecStored), "garbage"...) }},
	{"s2-cut.cfds", termsS2Vector + " without its last byte: the S2 block's operations fall short of its declared length (a block has no end marker, so a cut block is corrupt, not truncated)", ErrCorrupt, nil,
		func(t *testing.T, v1, body []byte) []byte {
			b := s2Terms(t)
			return bytes.Clone(b[:len(b)-1])
		}},
	{"s2-trailing.cfds", termsS2Vector + ` followed by "garbage": the bytes after the block's last operation are read as more operations, which overrun its declared length (corrupt, not trailing, for the same reason)`, ErrCorrupt, nil,
		func(t *testing.T, v1, body []byte) []byte { return append(s2Terms(t), "garbage"...) }},
	{"s2-content-too-large.cfds", "a version-2 header with the s2 flag, then an S2 block length declaring MaxSize+1 bytes (81 80 80 80 01), refused before allocating, and nothing else", ErrTooLarge, nil,
		func(t *testing.T, v1, body []byte) []byte {
			return binary.AppendUvarint([]byte{'C', 'F', 'D', 'S', version2, flagS2}, MaxSize+1)
		}},
	{"s2-flipped-body-bit.cfds", termsS2Vector + `'s body with "Lisbon" changed to "Misbon" (one bit), the stored CRC-32C kept, compressed with S2 again: the checksum, not the codec, guards the body`, ErrChecksum, nil,
		func(t *testing.T, v1, body []byte) []byte {
			b, _ := smallTerms(t)
			sum := crcOf(b)
			b = setByte(b, index(t, b, "Lisbon"), 'M')
			out, err := wrapWith(binary.LittleEndian.AppendUint32(b, sum), version2, CodecS2)
			require.NoError(t, err)
			return out
		}},
}

// s2Terms returns v2-small-terms compressed with S2 instead of zstd.
func s2Terms(t *testing.T) []byte { return localTerms(t, CodecS2) }

func localTerms(t *testing.T, c Codec) []byte {
	small := smallState()
	b, err := MarshalTermsWith(small, analyzeState(small, smallAnalyzer), Options{Codec: c})
	require.NoError(t, err)
	return b
}

// readTermsDoc reads termsJSON, what termsVector and its local-codec
// variants must decode to.
func readTermsDoc(t *testing.T) termsDoc {
	js, err := os.ReadFile(filepath.Join(vectorDir, termsJSON))
	require.NoError(t, err)
	var expect termsDoc
	require.NoError(t, json.Unmarshal(js, &expect))
	return expect
}

func wrapT(t *testing.T, content []byte) []byte {
	b, err := wrap(content, version1)
	require.NoError(t, err)
	return b
}

func TestVectors(t *testing.T) {
	small := smallState()
	body, err := appendBody(nil, small)
	require.NoError(t, err)
	if *update {
		writeVectors(t, small, body)
	}

	// The directory holds exactly the vectors listed here: a moved
	// directory or a stale file fails instead of testing nothing.
	files, err := filepath.Glob(filepath.Join(vectorDir, "*.cfds"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no vectors in %s (run go test ./core/snapshot -update)", vectorDir)
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	want := []string{smallVector, termsVector, termsS2Vector, storedVector}
	for _, v := range vectors {
		want = append(want, v.name)
	}
	require.ElementsMatch(t, want, names)

	v1, err := os.ReadFile(filepath.Join(vectorDir, smallVector))
	require.NoError(t, err)
	t.Run(smallVector, func(t *testing.T) {
		js, err := os.ReadFile(filepath.Join(vectorDir, smallJSON))
		require.NoError(t, err)
		var expect model.State
		require.NoError(t, json.Unmarshal(js, &expect))
		got, err := Unmarshal(v1)
		require.NoError(t, err)
		require.Equal(t, normalize(&expect), got)
		require.Equal(t, normalize(small), got)

		// The body on disk is the canonical body of the expectation.
		content, err := decompress(v1[headerSize:], 0)
		require.NoError(t, err)
		want, err := appendBody(nil, &expect)
		require.NoError(t, err)
		require.Equal(t, want, content[:len(content)-4])
		require.Equal(t, []byte("CFDS\x01\x00"), v1[:headerSize])

		st, terms, err := UnmarshalTerms(v1)
		require.NoError(t, err)
		require.Nil(t, terms)
		require.Equal(t, got, st)
	})
	t.Run(termsVector, func(t *testing.T) {
		v2, err := os.ReadFile(filepath.Join(vectorDir, termsVector))
		require.NoError(t, err)
		expect := readTermsDoc(t)
		st, terms, err := UnmarshalTerms(v2)
		require.NoError(t, err)
		require.Equal(t, normalize(expect.State), st)
		require.Equal(t, normalize(small), st)
		require.Equal(t, decoded(st, expect.terms()), terms)
		require.Equal(t, termsByTurn(small, analyzeState(small, smallAnalyzer)), termsByTurn(st, terms))
		got, err := Unmarshal(v2)
		require.NoError(t, err)
		require.Equal(t, st, got)

		// The body on disk is the canonical body of the expectation.
		content, err := decompress(v2[headerSize:], 0)
		require.NoError(t, err)
		want, err := appendBody(nil, expect.State)
		require.NoError(t, err)
		want, err = appendTerms(want, expect.State, expect.terms())
		require.NoError(t, err)
		require.Equal(t, want, content[:len(content)-4])
		require.Equal(t, []byte("CFDS\x02\x00"), v2[:headerSize])
	})
	for _, local := range []struct {
		name   string
		header string
		flag   byte
	}{{termsS2Vector, "CFDS\x02\x01", flagS2}, {storedVector, "CFDS\x02\x02", flagStored}} {
		t.Run(local.name, func(t *testing.T) {
			v2, err := os.ReadFile(filepath.Join(vectorDir, termsVector))
			require.NoError(t, err)
			b, err := os.ReadFile(filepath.Join(vectorDir, local.name))
			require.NoError(t, err)
			require.Equal(t, []byte(local.header), b[:headerSize])
			// The same content as v2-small-terms, so the same state and terms.
			want, err := decompress(v2[headerSize:], 0)
			require.NoError(t, err)
			content, err := decompress(b[headerSize:], local.flag)
			require.NoError(t, err)
			require.Equal(t, want, content)
			expect := readTermsDoc(t)
			st, terms, err := UnmarshalTerms(b)
			require.NoError(t, err)
			require.Equal(t, normalize(expect.State), st)
			require.Equal(t, decoded(st, expect.terms()), terms)
		})
	}
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(vectorDir, v.name))
			require.NoError(t, err)
			st, err := Unmarshal(b)
			require.ErrorIs(t, err, v.want)
			requireOneSentinel(t, err)
			if v.also != nil {
				require.ErrorIs(t, err, v.also)
			}
			require.Nil(t, st)
			st, err = Decode(bytes.NewReader(b))
			require.ErrorIs(t, err, v.want)
			require.Nil(t, st)
		})
	}
}

func writeVectors(t *testing.T, small *model.State, body []byte) {
	require.NoError(t, os.MkdirAll(vectorDir, 0o755))
	old, err := filepath.Glob(filepath.Join(vectorDir, "*.cfds"))
	require.NoError(t, err)
	for _, f := range old {
		require.NoError(t, os.Remove(f))
	}
	v1, err := Marshal(small)
	require.NoError(t, err)
	write := func(name string, b []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(vectorDir, name), b, 0o644))
	}
	write(smallVector, v1)
	js, err := json.MarshalIndent(normalize(small), "", "  ")
	require.NoError(t, err)
	write(smallJSON, append(js, '\n'))

	v2, err := MarshalTerms(small, analyzeState(small, smallAnalyzer))
	require.NoError(t, err)
	write(termsVector, v2)
	var doc termsDoc
	var terms *Terms
	doc.State, terms, err = UnmarshalTerms(v2)
	require.NoError(t, err)
	doc.Terms.Analyzer, doc.Terms.Vocab, doc.Terms.Turns = terms.Analyzer, terms.Vocab, terms.Turns
	js, err = json.MarshalIndent(&doc, "", "  ")
	require.NoError(t, err)
	write(termsJSON, append(js, '\n'))
	write(termsS2Vector, s2Terms(t))
	write(storedVector, localTerms(t, CodecStored))

	var readme strings.Builder
	readme.WriteString(`# Snapshot vectors

Golden files for the snapshot format (core/snapshot; grammar in its doc.go).
They are language-neutral: any implementation of the format should pass them.
Regenerate with ` + "`go test ./core/snapshot -run TestVectors -update`" + `, which also
rewrites this file; TestVectors fails if a .cfds file here is not listed below.

## Valid

| file | content |
| --- | --- |
| ` + smallVector + ` | a version-1 snapshot of a small state: settings with consent, two sessions, five turns (one in a session with no record: an orphan; one with empty text; unicode), four facts (superseded, pinned, user-edited, sensitive, repeated and dangling sources) |
| ` + smallJSON + ` | the state ` + smallVector + ` must decode to, as model.State JSON (times in UTC, to the millisecond) |
| ` + termsVector + ` | a version-2 snapshot: the state of ` + smallVector + ` and its terms (lower-cased runs of letters and digits; one turn with none, a repeated term, a CJK term), vocabulary sorted by descending use, then by bytes |
| ` + termsJSON + ` | what ` + termsVector + ` must decode to: {"state": model.State JSON, "terms": {"analyzer", "vocab", "turns"}}, "turns" aligned with the turns sorted by id, null for a turn with no terms |
| ` + termsS2Vector + ` | the content of ` + termsVector + ` (same body and checksum) compressed as one S2 block instead of a zstd frame: header CFDS 02 01 (flag bit 0, s2); must decode to ` + termsJSON + ` too |
| ` + storedVector + ` | the content of ` + termsVector + ` stored as it is, not compressed: header CFDS 02 02 (flag bit 1, stored); must decode to ` + termsJSON + ` too |

## Defects

Each file has exactly one defect. A decoder must refuse it with the error
class named (Go: ` + "`errors.Is(err, snapshot.ErrX)`" + `), and with nothing else
from that list. "Checksum recomputed" means the body was changed and sealed
again with a correct CRC-32C, so the defect is seen by the body parser.

| file | defect | error |
| --- | --- | --- |
`)
	for _, v := range vectors {
		b := v.make(t, v1, body)
		write(v.name, b)
		also := ""
		if v.also != nil {
			also = fmt.Sprintf(" (and model: %q)", v.also.Error())
		}
		fmt.Fprintf(&readme, "| %s | %s | %s%s |\n", v.name, v.desc, sentinelName(v.want), also)
	}
	write("README.md", []byte(readme.String()))
}

func sentinelName(err error) string {
	names := []string{"ErrMagic", "ErrVersion", "ErrTruncated", "ErrTrailing", "ErrTooLarge", "ErrChecksum", "ErrCorrupt"}
	i := slices.IndexFunc(decodeErrors, func(e error) bool { return errors.Is(err, e) })
	return names[i]
}
