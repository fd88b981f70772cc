// Package secrets finds secrets in chat text and replaces them with a
// placeholder before anything is stored.
//
// security.md requires that API keys, passwords, card numbers and government
// ids are never stored in any form, not even hashed: a hash of a 4-digit PIN
// or of a card number is trivially reversible. So the engine calls Redact on
// every turn before it is indexed or mined for facts, and only the redacted
// text is kept.
//
// Each kind of secret has its own detector (one file each). Detectors that
// can be checked are checked: card numbers must pass Luhn and start like an
// issuer's number, IBANs must pass ISO 7064 mod 97, SSNs must fall in the
// assigned ranges. That keeps ordinary numbers, dates, phone numbers and order
// numbers out. Detectors that cannot be checked (a password stated in prose)
// rely on the words around the value.
//
// Redact is idempotent: placeholders are never detected again, and every
// other occurrence of a detected secret in the same text is redacted too, so
// a password repeated later in the message does not leak.
package secrets
