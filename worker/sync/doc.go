// Package sync is the server half of Confidant's end-to-end-encrypted sync:
// an http.Handler that stores opaque sealed blobs (age-encrypted snapshots,
// sealed and merged by the clients) per vault, with compare-and-swap on the
// head, and never sees a key or plaintext. The same Handler runs in the
// Cloudflare Worker (worker/, over R2) and under net/http with FileStore
// (`confidant sync-server`).
//
// # Protocol (v1)
//
// Vault id: 32 lowercase hexadecimal characters, derived by the client from
// the vault key; anything else is refused with 400 bad_vault_id.
//
// Authentication, on every request: `Authorization: Bearer <token>`, the
// token being 32 bytes in unpadded base64url (43 characters), derived by the
// client from the vault key with HKDF under its own label. The server keeps
// only SHA-256 of the 32 token bytes, in the vault's head record, set by the
// request that creates the vault; every later request must present a token
// with the same hash (compared in constant time).
//
//	no header, another scheme, or not 32 bytes of base64url  401 unauthorized (WWW-Authenticate: Bearer)
//	a well-formed token whose hash differs                   403 forbidden
//	a vault that does not exist                              404 vault_not_found (says nothing more)
//
// Endpoints:
//
//	PUT /v1/vaults/{id}/head
//	    If-Match: "<expected current version>"   ("0" creates the vault)
//	    body: the blob (any bytes, at most the size cap)
//	  → 200 {"version": expected+1}, ETag: "<v>", X-Confidant-Version: <v>
//	  → 409 {"version": <current>, "error": …} when the head is not at the
//	    expected version (also for "0" on a vault that exists)
//	  → 404 for a non-zero expected version on a vault that does not exist
//	  → 428 if_match_required without If-Match; 400 bad_if_match when it is
//	    not a quoted canonical decimal
//
//	GET /v1/vaults/{id}/head
//	  → 200, body = the head blob, X-Confidant-Version: <v>, ETag: "<v>",
//	    Content-Type: application/octet-stream; 304 when If-None-Match is
//	    that ETag
//
//	GET /v1/vaults/{id}/versions/{n}
//	  → 200 as above for a kept version; 404 version_not_kept otherwise
//
//	DELETE /v1/vaults/{id}
//	  → 204; the head record, every blob and the rate-limit state are gone
//
// A version is an integer from 1 below 2^53. The ETag of a blob is its
// version in quotes, so a client can send back the ETag it last read as
// If-Match. Other paths give 404 not_found, other methods 405 (with Allow).
//
// Errors carry a JSON body {"error": {"code": "...", "message": "..."}}
// whose message a person can read; every response has Cache-Control:
// no-store.
//
// # Storage and compare-and-swap
//
// Per vault the Store holds a head record (vaults/{id}/head: format, token
// hash, version, and the kept versions newest first with their blob keys),
// one object per blob version (vaults/{id}/blobs/{version}-{random}), and the
// rate-limit window (vaults/{id}/rate). A PUT writes its blob under a fresh
// key first, then swaps the head record conditionally on the entity tag it
// read (Store.PutRecord; "must not exist" for a create). Of two racing PUTs
// on the same expected version exactly one swap succeeds; the loser deletes
// its unreferenced blob and answers 409 with the winner's version. After a
// successful swap the versions beyond the last Keep (default 5, the head
// included) are deleted. Under workerd the swap is an R2 conditional put
// (onlyIf etagMatches, or etagDoesNotMatch "*" to create), never KV, which
// is only eventually consistent; FileStore uses a mutex and an atomic rename.
//
// # Limits
//
// Size cap (MaxBytes, default 32 MiB): a Content-Length above it is refused
// with 413 before a byte of the body is read; a body without Content-Length
// (chunked) is read through a limit and refused with 413 as soon as it passes
// the cap, and nothing is stored.
//
// Rate limit (RateLimit per RateWindow, default 60 per minute, fixed
// window): counted per vault for every request that passed authentication
// (the creating PUT included), in the Store itself (a Worker request runs in
// a fresh instance, so memory does not survive). Above it: 429 rate_limited
// with Retry-After (seconds to the next window). Requests refused before
// authentication are not counted, so a party without the token cannot use
// up a vault's budget.
//
// CORS: only the exact origins in AllowedOrigins (the extension's
// chrome-extension://<id> and moz-extension://<id>) get CORS headers
// (Access-Control-Allow-Origin echoing the origin; ETag,
// X-Confidant-Version and Retry-After exposed) and preflight answers (204,
// methods GET, PUT, DELETE; headers Authorization, If-Match, If-None-Match,
// Content-Type). A request carrying any other Origin is refused with 403
// origin_not_allowed and no CORS headers, before it can have an effect.
// Requests without Origin (the CLI, other native clients) are served.
//
// # Logs
//
// One line per request with the method, the path's shape (the vault id and
// version replaced by {id} and {n}), the status and byte counts: never a
// vault id, a token, a header value or a byte of a body.
package sync
