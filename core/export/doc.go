// Package export writes a profile in open formats and reads the JSON one
// back: JSON (complete, versioned, for other tools and for moving a profile),
// Markdown (for people to read; not importable) and a passphrase-protected
// age file (the JSON export sealed with core/seal.SealPassphrase). The
// formats are described for users in docs/formats.md; this comment is the
// reference.
//
// # JSON export, version 1
//
// One UTF-8 JSON object; times are RFC 3339 in UTC (fractional seconds when
// the stored time has them). Members, in the order they are written:
//
//	format        "confidant-export" (required; identifies the file)
//	version       1 (required; a reader refuses versions it does not know)
//	exported_at   when the file was written (required; informational)
//	facts         [Fact]: everything the profile learned about the user
//	settings      Settings: the engine's settings
//	sync          Sync (optional): the settings' stamps and the tombstones
//	…             any member core/model's State gains in later releases
//	              (written by the engine that has it; see "Versioning")
//	sessions      [Session]: the conversations, each with its turns
//
// A Fact is core/model.Fact:
//
//	id             the fact's id (opaque, ≤256 bytes; derived from slot and value)
//	slot           what the fact is about, e.g. "location" or "like:sushi";
//	               one current value per slot
//	value          the value, e.g. "Lisbon"
//	text           a readable statement, e.g. "lives in Lisbon"
//	category       identity, location, work, education, family, pets, diet,
//	               health, preference, habit, goal, plan, finance, beliefs, other
//	sensitivity    "normal" or "sensitive" (sensitive facts are injected only
//	               with consent for their category)
//	confidence     0..1, how sure extraction was
//	valid_from     since when the fact holds
//	superseded_by  id of the newer fact on the same slot (absent when current)
//	sources        ids of the turns the fact was learned from (absent if none)
//	pinned         true when the user pinned it (absent otherwise)
//	user_edited    true when the user edited it (absent otherwise)
//	stamp          the fact's sync stamp (absent: legacy, see "Sync data")
//
// Settings is core/model.Settings: token_budget (tokens of the injected
// block), max_memories (memories per prompt), consent (sensitive categories
// the user allows to be injected; absent if none).
//
// A Session is core/model.Session plus its turns:
//
//	id      the conversation's id (opaque, ≤256 bytes)
//	site    the chat site, e.g. "chatgpt" (absent if unknown; ≤128 bytes)
//	title   the conversation's title (absent if none; ≤512 bytes)
//	start   when it started
//	stamp   the session's sync stamp (absent: legacy)
//	turns   [Turn], in time order
//
// A Turn is core/model.Turn without its session (the session is the one it
// is listed in; a reader accepts "session" only when it names that
// session): id, role ("user" or "assistant"), text (≤64 KiB), time, stamp
// (absent: legacy).
//
// # Sync data
//
// A stamp is core/hlc's text encoding of the record's last write: 13
// lowercase hex digits of Unix ms, '-', 8 of the counter, '-', the writing
// device's id. An absent stamp is the legacy stamp (0, 0, "legacy"), older
// than every write, so a file without stamps (written before sync, or by
// another tool) reads as it always did; the writer leaves legacy stamps
// out. The optional sync member is
//
//	settings    {token_budget, max_memories, consent}: each setting's
//	            stamp (absent: legacy); absent when all are legacy
//	tombstones  [{kind: "session"|"turn"|"fact", id, stamp}]: deleted
//	            records and the stamp of the delete; at most one per
//	            record, none for a record the file holds
//
// and is left out when it would be empty. The file does not carry the
// exporting device's id (model.SyncMeta.Device): StateHash does not cover
// it, and a profile restored from the file keeps its own, since two
// devices with one id could issue equal stamps. With these, an export
// restored into a fresh profile has the exporter's StateHash.
//
// Writers order facts by id, sessions by start then id, turns by time then
// id; a reader accepts any order. The same state exported at the same
// instant gives the same bytes.
//
// # Reading a JSON export
//
// ReadJSON is strict: unknown members, a member given twice, a missing or
// unknown format or version, a record that does not validate (an empty or
// overlong id, an unknown role, category or sensitivity, a confidence out of
// 0..1, invalid UTF-8, a turn without time), an id given twice, trailing
// data, or more than the limits (MaxJSON bytes, engine.MaxStagedTurns
// turns, MaxFacts facts) are refused with one error naming the JSON path of
// the first defect, e.g. sessions[3].turns[7].role. Nothing is applied
// until the whole file has been read.
//
// Merge applies what ReadJSON returned: it cleans every text as a file from
// outside must be (engine.ImportUntrusted: markers stripped, secrets
// redacted), keeping the stamps. Into a fresh profile (engine.Fresh: no
// records, no tombstones) the file is restored whole (engine.Restore),
// settings and tombstones included. Into a profile with records it is
// merged with the engine's sync semantics (engine.Merge): per record the
// newer stamp wins, so a newer edit in the file replaces the profile's
// version, a record the profile deleted or changed after the file's
// version keeps that, legacy (unstamped) records only add what the profile
// lacks, and at equal stamps the profile's version stays; slots that then
// hold two current facts are resolved (the one valid from later is
// current); the profile keeps its own settings. The stamps are untrusted:
// the clock observes them with hlc's clamp (a stamp more than hlc.MaxDrift
// ahead cannot drag it; Totals.Clamped), and a record keeps its stamp
// verbatim as in sync, so a later local edit still wins (hlc.Clock.After).
// Either everything is applied or, on error, nothing.
//
// Totals.DeletedSince counts the file's records the profile deleted after
// the file's version (they stay deleted). MergeWith with
// Options.RestoreDeleted brings exactly those back: each is stamped as a
// new edit of this device after its tombstone (engine.StampAfter), then the
// same merge applies the file, so they win over the deletion, sync as
// edits, and nothing else changes (a newer live record is never
// overwritten). They are counted in Totals.Restored.
//
// # Versioning
//
// The stamp and sync members were added within version 1: they are
// optional, change no other member's meaning, and an older Confidant
// refuses them by name rather than misreading the file.
//
// version changes only when a reader of the previous version would
// misread a file: a member changing meaning or type, or a new member that
// must not be ignored. A member added by a later release of the same
// version is an unknown member to an older reader, which refuses the file
// (never silently dropping data); the fix is to update. A reader accepts
// every version up to its own.
//
// # Markdown export
//
// WriteMarkdown writes the profile for reading: facts by category (pinned
// first; sensitive ones marked), superseded facts apart, then conversations
// by date with their turns. Every text from a chat is escaped so that it
// renders as the text it is (no headings, links, images, HTML or emphasis
// of its own). It is a report, not an archive: there is no importer for it.
//
// # age export
//
// SealJSON is the JSON export encrypted to a passphrase as a standard age
// file (scrypt, see core/seal: "age -d" decrypts it). IsAge recognises one
// by its header line "age-encryption.org/v1"; OpenJSON decrypts.
package export
