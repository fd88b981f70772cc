// Package snapshot is the versioned binary format of a [model.State]: the
// bytes the engine persists in IndexedDB and that export and sync seal.
//
// A snapshot is loaded every time the service worker wakes, so the format is
// built for decoding speed: one zstd frame holding a compact body of
// length-prefixed fields, no reflection, and every string of the decoded
// state shares one backing copy of the body. Compression is not the
// integrity check: the body carries its own CRC-32C. Confidentiality and
// authentication are not this package's job; export and sync wrap snapshots
// in age.
//
// # Format, version 1
//
// The grammar below is normative. Terminals in quotes are ASCII; %xNN is one
// byte; counts and lengths are checked against the bytes that remain before
// anything is allocated.
//
//	snapshot     = magic version flags frame
//	magic        = "CFDS"                  ; 4 bytes
//	version      = %x01                    ; see "Versions" below
//	flags        = %x00                    ; no flag is defined in version 1
//	frame        = <exactly one zstd frame (RFC 8878), no dictionary,
//	                window at most MaxWindow, whose content is `content`>
//	content      = body crc                ; at most MaxSize bytes
//	crc          = 4OCTET                  ; CRC-32C (Castagnoli) of body, little-endian
//
//	body         = settings sessions orphans turns facts
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
// Records obey the model's rules (model.ValidateID, Turn.Validate, known
// roles, categories and sensitivities, valid UTF-8), and a confidence is a
// finite number; -0 is written as +0. Empty lists decode as nil.
//
// Times are stored as whole Unix milliseconds in UTC: Encode truncates
// sub-millisecond precision and drops locations and monotonic readings, so a
// round trip returns t.Truncate(time.Millisecond).UTC(). The zero time.Time
// survives a round trip as itself.
//
// # Versions
//
// The version byte names the grammar and the code tables above. Any change a
// version-1 reader would misread or refuse — a new field or section, a new
// role, category or sensitivity code, a different checksum — takes the next
// version number; numbers are never reused and 0 is never valid. Writers
// always write the newest version they know. A reader decodes the versions it
// knows and refuses any other with ErrVersion, without guessing; it never
// tries to skip what it does not understand. The flags byte is reserved for
// optional features within a version; a reader refuses any flag bit it does
// not know, also with ErrVersion.
//
// # Errors
//
// Decode fails with exactly one of the sentinels ErrMagic, ErrVersion,
// ErrTruncated, ErrTrailing, ErrTooLarge, ErrChecksum or ErrCorrupt (test
// with errors.Is); the message names where the defect is, for example
// "snapshot: turn 12: text is not valid UTF-8: corrupt". When a model rule
// failed, the model's sentinel (model.ErrBadUTF8, …) matches too. Encode
// refuses a state the format cannot hold with ErrInvalid (or ErrTooLarge).
// Neither function panics on any input.
package snapshot
