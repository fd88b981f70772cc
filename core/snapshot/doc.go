// Package snapshot is the versioned binary format of a [model.State]: the
// bytes the engine persists in IndexedDB and that export and sync seal.
//
// A snapshot is loaded every time the service worker wakes, so the format is
// built for decoding speed: one frame (zstd; S2 or stored as it is for the
// local snapshot, see "Flags") holding a compact body of length-prefixed fields, no
// reflection, and every string of the decoded state shares one backing copy
// of the body. Compression is not the integrity check: the body carries its
// own CRC-32C. Confidentiality and authentication are not this package's
// job; export and sync wrap snapshots in age.
//
// # Format, versions 1 and 2
//
// The grammar below is normative. Terminals in quotes are ASCII; %xNN is one
// byte; counts and lengths are checked against the bytes that remain before
// anything is allocated. Version 2 is version 1 with a terms section at the
// end of the body.
//
//	snapshot     = magic version flags frame
//	magic        = "CFDS"                  ; 4 bytes
//	version      = %x01 / %x02             ; see "Versions" below
//	flags        = %x00 / %x01 / %x02      ; bit 0: s2, bit 1: stored; see "Flags"
//	frame        = zstd-frame              ; flags %x00
//	frame        =/ s2-block               ; flags %x01
//	frame        =/ content                ; flags %x02: stored, as it is
//	zstd-frame   = <exactly one zstd frame (RFC 8878), no dictionary,
//	                window at most MaxWindow, whose content is `content`>
//	s2-block     = <exactly one S2 block (the block format of
//	                github.com/klauspost/compress/s2, a superset of
//	                Snappy's): its length as a minimal uvarint, at most
//	                MaxSize, then operations that produce exactly that
//	                many bytes from exactly the bytes that remain;
//	                the bytes produced are `content`>
//	content      = body crc                ; at most MaxSize bytes
//	crc          = 4OCTET                  ; CRC-32C (Castagnoli) of body, little-endian
//
//	body         = state                   ; version 1
//	body         =/ state terms            ; version 2
//	state        = settings sessions orphans turns facts
//	settings     = token-budget max-memories consent
//	token-budget = svarint
//	max-memories = svarint
//	consent      = count *category         ; in the state's order
//	sessions     = count *session          ; ids strictly ascending
//	session      = id site title start
//	site         = str                     ; at most model.MaxSiteBytes
//	title        = str
//	start        = time
//	orphans      = count *id               ; see below
//	turns        = count n*id n*session-ref n*role n*time n*text
//	                                       ; n = count, one column per field,
//	                                       ; in the order of the ids, which
//	                                       ; are strictly ascending
//	session-ref  = uvarint                 ; index into sessions ++ orphans
//	text         = str
//	facts        = count *fact             ; ids strictly ascending
//	fact         = id slot value text category sensitivity confidence
//	               valid-from superseded-by fact-flags sources
//	slot         = str
//	value        = str
//	confidence   = 8OCTET                  ; IEEE 754 binary64, little-endian
//	valid-from   = time
//	superseded-by= str                     ; empty, or an id
//	fact-flags   = %x00-03                 ; bit 0 pinned, bit 1 user-edited
//	sources      = count *id               ; turn ids, in the state's order
//
//	terms        = analyzer vocab term-lists
//	analyzer     = uvarint                 ; at most 2^31-1
//	vocab        = count *term             ; most used first, ties by bytes
//	term         = str                     ; 1..MaxTermBytes bytes, valid UTF-8
//	term-lists   = count n*list-length m*term-id
//	                                       ; n = count = the number of turns,
//	                                       ; lists in the order of the turns;
//	                                       ; m = the sum of the lengths: the
//	                                       ; ids of every list, one list
//	                                       ; after the other
//	list-length  = uvarint
//	term-id      = uvarint                 ; index into vocab
//
//	id           = str                     ; 1..model.MaxIDBytes bytes
//	str          = uvarint *OCTET          ; byte length, then valid UTF-8,
//	                                       ; at most model.MaxTextBytes
//	count        = uvarint
//	time         = svarint                 ; Unix milliseconds, UTC
//	svarint      = uvarint                 ; zigzag: (n << 1) ^ (n >> 63)
//	uvarint      = 1*10OCTET               ; LEB128 as encoding/binary writes
//	                                       ; it, minimal length only
//	role         = %x01 / %x02             ; user / assistant
//	sensitivity  = %x01 / %x02             ; normal / sensitive
//	category     = %x01-0F                 ; identity, location, work,
//	                                       ; education, family, pets, diet,
//	                                       ; health, preference, habit, goal,
//	                                       ; plan, finance, beliefs, other
//
// Turns are stored column by column so their texts sit together, which
// compresses better than records interleaving random ids with text. Ids
// compare as byte strings. A turn names its session by index rather than
// repeating the id: indexes below the session count point into sessions; the
// rest point into orphans, the ids of sessions that turns use but the state
// has no record for. Orphans are strictly ascending, none equals a session
// id, and each is used by at least one turn. These rules, minimal varints,
// sorted ids and the codes above make the body canonical: a state has exactly
// one body, and a decoder refuses any other spelling of it.
//
// The terms section holds the analysed text of every turn: list i is the
// terms of turn i, in text order, as indexes into vocab. It too is stored
// column by column (all lengths, then all ids), so the decoder knows how many
// ids there are before allocating for them. Vocab terms are distinct, and
// each is used by at least one list; they are sorted by descending number of
// uses across all lists, terms used equally often by ascending bytes, so the
// most frequent terms take one-byte ids and the section is canonical too.
//
// Records obey the model's rules (model.ValidateID, Turn.Validate, known
// roles, categories and sensitivities, valid UTF-8), and a confidence is a
// finite number; -0 is written as +0. Empty lists decode as nil.
//
// Times are stored as whole Unix milliseconds in UTC: Encode truncates
// sub-millisecond precision and drops locations and monotonic readings, so a
// round trip returns t.Truncate(time.Millisecond).UTC(). The zero time.Time
// survives a round trip as itself.
//
// # Sync metadata, versions 3 and 4
//
// Version 3 is version 1 with a sync section at the end of the body, version
// 4 is version 2 with one after the terms. It holds model.State.Sync: the
// device id, one hlc stamp per record and per setting field, and the
// tombstones (see core/merge):
//
//	body         =/ state sync             ; version 3
//	body         =/ state terms sync       ; version 4
//	sync         = device devices session-stamps turn-stamps fact-stamps
//	               setting-stamps tombstones
//	device       = str                     ; this state's device, hlc.ValidDevice
//	devices      = count *str              ; every device a stamp names,
//	                                       ; strictly ascending, each used
//	session-stamps = n*stamp               ; n = sessions, in their order
//	turn-stamps  = n*stamp                 ; n = turns, in their order
//	fact-stamps  = n*stamp                 ; n = facts, in their order
//	setting-stamps = 3stamp                ; token_budget, max_memories, consent
//	tombstones   = count *tombstone        ; (kind, id) strictly ascending
//	tombstone    = kind id stamp           ; never the key of a live record
//	kind         = %x01 / %x02 / %x03      ; session / turn / fact
//	stamp        = wall counter device-ref
//	wall         = uvarint                 ; Unix ms, at most hlc.MaxWall
//	counter      = uvarint                 ; at most 2^32-1
//	device-ref   = uvarint                 ; index into devices
//
// A state with Sync set has a valid stamp on every record; a state without
// has none (Encode refuses a stamp it would drop). A record of a version 1
// or 2 snapshot has the zero stamp; the engine gives such legacy records
// the stamp (0, 0, "legacy"), older than any real write.
//
// # Versions
//
// The version byte names the grammar and the code tables above. Any change a
// reader of the previous version would misread or refuse — a new field or
// section, a new role, category or sensitivity code, a different checksum —
// takes the next version number; numbers are never reused and 0 is never
// valid. Version 2 added the terms section. How the content is compressed
// is not part of the version but of the flags byte (see "Flags"): a new
// codec takes a new flag bit, not a new version.
//
// Writers write the oldest version that can hold what they are given, so a
// snapshot stays readable by as many readers as possible: version 1 for a
// state alone (Marshal, or MarshalTerms without terms; sync uploads, which
// omit terms, stay readable by version-1 readers), version 2 for a state with
// its terms. A version-2 body always has the terms section, so each state,
// with or without terms, still has exactly one encoding. A reader decodes
// every version up to the newest it knows (this package: 1 to 4; 3 and 4
// only for a state with sync metadata) and
// refuses any other with ErrVersion, without guessing; it never tries to skip
// what it does not understand, so a version-1 reader refuses a snapshot with
// terms.
//
// # Flags
//
// The flags byte says how the content is stored, which the body does not
// depend on: a flag never changes the grammar of the body or its codes,
// which the version alone names, so flags and versions combine freely. A
// reader refuses any flag bit it does not know with ErrVersion, as it
// refuses a version it does not know: never misread, at worst refused.
// Defining a flag therefore does not take a new version number, but it is
// made the same way: bits are never reused, and a flag is only written when
// asked for, so what the writer was not asked to change stays readable by
// older readers.
//
// Bit 0, s2 (defined alongside version 2): the frame is one S2 block rather
// than a zstd frame. S2 snapshots are about a quarter larger than zstd ones
// and their content decompresses about three times faster where zstd has no
// assembly (wasm). It was the engine's local snapshot, loaded at every cold
// start, until bit 1; sync uploads and export files keep zstd (Marshal,
// MarshalTerms), which every reader accepts. Every reader of this package
// since bit 0 reads both, and every reader since bit 1 all three.
//
// Bit 1, stored: the frame is the content itself, not compressed — about
// three times an S2 snapshot's size, read with one copy. It is the engine's
// local snapshot since bit 1 (MarshalTermsWith with CodecStored): under
// WebAssembly's baseline compiler S2's decompression was the largest single
// step of a cold start's import. A stored content has no length of its own:
// it is all the bytes after the header. One shorter than its checksum (a
// header with nothing after it, or a content cut that short) is
// ErrTruncated; a longer cut or an extension fails the checksum
// (ErrChecksum). Bits 0 and 1 together name two codecs for one frame and are
// refused with ErrCorrupt. Bits 2 to 7 are undefined.
//
// An S2 block has no end marker and, unlike a zstd frame, cannot be walked
// without decoding it: a block that is cut, extended or otherwise damaged
// fails to produce exactly its declared length, and is refused with
// ErrCorrupt rather than ErrTruncated or ErrTrailing; a header without a
// block, or a length cut short, is ErrTruncated, a declared length over
// MaxSize ErrTooLarge, before anything is allocated.
//
// # Errors
//
// Decoding (Decode, Unmarshal, UnmarshalTerms) fails with exactly one of the
// sentinels ErrMagic, ErrVersion, ErrTruncated, ErrTrailing, ErrTooLarge,
// ErrChecksum or ErrCorrupt (test with errors.Is); the message names where
// the defect is, for example "snapshot: turn 12: text is not valid UTF-8:
// corrupt". When a model rule failed, the model's sentinel (model.ErrBadUTF8,
// …) matches too. Encoding (Encode, Marshal, MarshalTerms, MarshalTermsWith)
// refuses a state, or terms, the format cannot hold, or an unknown codec,
// with ErrInvalid (or ErrTooLarge).
// No function panics on any input.
package snapshot
