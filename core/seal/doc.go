// Package seal is the sealed-snapshot format of end-to-end-encrypted sync:
// a snapshot (core/snapshot's bytes, opaque here) compressed with zstd and
// encrypted with age (filippo.io/age, age-encryption.org/v1) to a key
// derived from the vault key (core/vault), with the vault id, version,
// parent hash and device id inside the authenticated content. It also
// writes and reads passphrase-protected exports, which are standard age
// files.
//
// The sync server only ever stores and serves sealed blobs. It may replay,
// swap, truncate, withhold or modify them; Open refuses every such blob with
// a specific error before anything is returned, and every value a sync
// decision uses (vault, version, parent, device) is read only from the
// authenticated content.
//
// # Sealing
//
// Seal(key, header, snapshot), in order:
//
//  1. Check the header (see "Content"): h.Vault must be key.ID(), versions
//     start at 1, version 1 has a zero parent and every later version a
//     non-zero one, the device id is 1..MaxDevice bytes of printable ASCII;
//     the snapshot is at most MaxSnapshot bytes.
//  2. Build the content: the content header, then one zstd frame of the
//     snapshot, then zero bytes up to the next multiple of ChunkSize (64 KiB).
//  3. Encrypt the content with age to one X25519 recipient: the public key of
//     the vault's sealing identity (below). The blob is the age file.
//
// Open(key, blob, expect) undoes it, checking as it goes:
//
//  1. len(blob) ≤ MaxBlob, else ErrTooLarge; nothing else is looked at.
//  2. The age header has the one shape Seal writes (below), else ErrFormat,
//     or ErrTruncated if the blob ends inside a header that matches so far.
//  3. The payload is a whole number, at least one, of 64 KiB+16-byte chunks;
//     if not, the whole chunks are decrypted to tell a cut last chunk
//     (ErrTruncated) from bytes appended after the final chunk (ErrTampered).
//  4. age unwraps the file key with the vault's identity (else ErrWrongKey),
//     checks the header MAC and every chunk's ChaCha20-Poly1305 tag, and the
//     final-chunk flag on the last chunk (else ErrTampered, or ErrTruncated
//     when the chunks end before the final one).
//  5. The decrypted content is parsed strictly (ErrFormat, ErrTooLarge for a
//     declared snapshot length over MaxSnapshot).
//  6. The vault must be the key's and expect.Vault if set (ErrWrongVault);
//     the version at least expect.MinVersion (ErrRollback); expect.Seen, if
//     set, must accept the header and BlobHash(blob) (ErrRollback,
//     ErrForked; see "Rollback").
//  7. Only then is the frame decompressed, into a buffer of exactly the
//     declared snapshot length that the decoder may not grow: a frame that
//     would produce more is stopped there (ErrTooLarge), one that produces
//     fewer is ErrFormat.
//
// # Blob
//
// A sealed blob is an age v1 file with exactly this header (168 bytes),
// where each <b64> is 32 bytes as 43 characters of canonical unpadded
// standard base64, then age's 16-byte nonce and payload:
//
//	"age-encryption.org/v1\n"
//	"-> X25519 " <b64: ephemeral share> "\n"
//	<b64: wrapped file key> "\n"
//	"--- " <b64: header MAC> "\n"
//	nonce        16 bytes
//	payload      n × (65536 + 16) bytes, n ≥ 1: STREAM chunks, the last
//	             flagged final
//
// so len(blob) = 184 + n × 65552. Because the content is padded to whole
// chunks, a blob's length is a multiple of the chunk size beyond a fixed
// overhead: any cut shows in the length, and the server learns the
// snapshot's size only to 64 KiB.
//
// # Content
//
// The age plaintext, all integers big-endian:
//
//	magic          4   "CFSL"
//	format         1   FormatVersion = 1; any other value is refused
//	vault          16  vault id (vault.Key.ID)
//	version        8   uint64, ≥ 1
//	parent         32  BlobHash (SHA-256) of the previous sealed blob of the
//	                   vault; all zero if and only if version = 1
//	device-length  1   1..MaxDevice (64)
//	device         device-length bytes, each 0x21..0x7e
//	snapshot-len   4   uint32, ≤ MaxSnapshot: the snapshot's exact length
//	frame-len      4   uint32: the zstd frame's exact length
//	frame          frame-len bytes: zstd (RFC 8878), no dictionary, window
//	               ≤ MaxWindow, decompressing to exactly snapshot-len bytes;
//	               a content size in its frame header, if any, must be
//	               snapshot-len
//	padding        zero bytes, as few as make the content a multiple of
//	               65536 bytes (at least 65536): canonical, so each header
//	               and frame has one content
//
// Every byte of the content is authenticated by age; nothing outside it is
// trusted. The format version names this layout and its rules; any change
// takes a new number, and a reader refuses a number it does not know.
//
// # Keys
//
// The vault key is never used directly. Its sealing key,
// HKDF-SHA256(key, vault.LabelSealingKey), is used as the secret scalar of an
// age X25519 identity; its public key is the one recipient of every blob of
// the vault. Any device with the vault key derives the same identity, so
// nothing but the vault key needs to be shared. age's scrypt (passphrase)
// recipient would be wrong here: its key is stretched from a low-entropy
// secret with a work factor read from the file, which costs every sync
// hundreds of milliseconds and lets a server-supplied blob set that cost.
// The vault key has 256 bits already: an X25519 key derived from it costs
// two scalar multiplications. The recipient's public key is never published,
// so an X25519 stanza (which does not name its recipient) reveals nothing
// about the vault.
//
// # Rollback
//
// A client keeps a Seen: per vault, the highest version it has accepted and
// that blob's hash. Seen.Check refuses a lower version (ErrRollback), the
// same version with another hash (ErrForked), and the next version whose
// parent is not the hash seen (ErrForked: the server showed this device one
// history and the writer another). A higher version passes. Open does not
// change the Seen; the caller calls Seen.Record once it has applied the
// snapshot, and persists it (MarshalBinary: "CFSN", version 1, a uint32
// count, then per vault in ascending id order the id, the version as
// uint64 and the 32-byte hash, all big-endian; UnmarshalBinary accepts only
// that exact encoding).
//
// # Passphrase exports
//
// SealPassphrase writes a standard binary age file to one scrypt recipient
// (work factor WorkFactor = 18, age's default), so `age -d` and any age
// implementation decrypt it with the passphrase. OpenPassphrase reads one:
// a single scrypt stanza whose work factor is at most MaxWorkFactor = 20,
// checked before any scrypt work (ErrTooLarge), data at most MaxExport.
// Armored files are not read. A wrong passphrase is ErrWrongPassphrase, a
// file that is not passphrase-protected ErrWrongKey. (A file cut inside a
// chunk fails that chunk's authentication and is ErrTampered; age files
// have no length to tell a cut from a change.)
//
// # Limits
//
// MaxBlob (MaxSnapshot + 1 MiB) for a blob or export file, checked first;
// MaxSnapshot (64 MiB) for the decompressed snapshot, checked against the
// declared length before decompressing and enforced while decompressing;
// MaxWindow (8 MiB) for zstd's window; MaxWorkFactor for scrypt.
//
// # Errors
//
// Open, OpenPassphrase and the Seen methods fail with an *Error matching
// exactly one of ErrTruncated, ErrTampered, ErrWrongVault, ErrRollback,
// ErrForked, ErrTooLarge, ErrWrongKey, ErrWrongPassphrase or ErrFormat
// (errors.Is); its message says where, for example "seal: vault 260c…:
// version 4, but version 6 was already seen: sealed snapshot is older than
// one already seen (rollback)". A changed recipient stanza cannot be told
// from a blob sealed to another key: both are ErrWrongKey. No function
// panics on any input.
package seal
