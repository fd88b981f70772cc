package secrets

// pemPrivateKey matches a PEM private key block (PKCS#1, PKCS#8, SEC 1,
// OpenSSH, PGP). A block pasted without its END line is redacted to the end
// of the text, since everything after BEGIN is key material.
var pemPrivateKey = lazy(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z)`)

func findPrivateKeys(text string, f *features) []span {
	var out []span
	if !f.has(hintPEM) {
		return nil
	}
	for _, m := range pemPrivateKey().FindAllStringIndex(text, -1) {
		out = append(out, span{start: m[0], end: m[1], kind: PrivateKey})
	}
	return out
}
