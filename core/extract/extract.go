package extract

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/secrets"
)

// domains returns every rule set; Extract tries each on every clause. The
// sets are built on first use, not when the module starts: a cold start
// that only recalls never runs extraction (building them at start-up cost
// 4–6 ms of the engine's start in Chromium, most of this package's init).
var domains = sync.OnceValue(func() [][]rule {
	return [][]rule{
		identityRules(), languageRules(), locationRules(), workRules(), educationRules(), familyRules(),
		petRules(), dietRules(), healthRules(), preferenceRules(), habitRules(), goalRules(), planRules(),
		financeRules(), beliefRules(),
	}
})

// domainGates returns the gates of the domain rules (see gate.go), built on
// first use like the rules' regexps.
var domainGates = sync.OnceValue(func() [][]gate {
	out := make([][]gate, len(domains()))
	for d, rules := range domains() {
		for _, r := range rules {
			out[d] = append(out[d], gateOf(r.re.String()))
		}
	}
	return out
})

// gatesOff runs every regexp without its gate; tests compare both paths.
var gatesOff bool

// secretMark stands in for a redacted secret; no candidate may contain it.
const secretMark = "<secret>"

// maxValueBytes bounds a value; anything longer is a mis-parse.
const maxValueBytes = 200

// Extract returns the facts the user states about themselves in text, a
// user turn said at time at. Secrets are redacted before anything else, so
// no candidate can carry one. Within one utterance a later statement on a
// slot replaces an earlier one, so each slot appears at most once.
func Extract(text string, at time.Time) []Candidate {
	if len(text) > model.MaxTextBytes {
		text = truncate(text, model.MaxTextBytes)
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	text, _ = secrets.Redact(text)
	for _, k := range secrets.Kinds {
		text = strings.ReplaceAll(text, k.Placeholder(), secretMark)
	}
	at = at.UTC()
	fast := !gatesOff && !unfoldable(text)

	gates := domainGates()
	var out []Candidate
	var index map[string]int
	var buf []byte
	for _, c := range clausesOf(text, fast) {
		lower := ""
		if fast {
			buf = lowerASCII(buf[:0], c.text)
			lower = string(buf)
		}
		for d, rules := range domains() {
			for k, r := range rules {
				if fast && !gates[d][k].pass(c.text, lower) {
					continue
				}
				g := r.re.FindStringSubmatch(c.text)
				if g == nil {
					continue
				}
				for _, cand := range r.emit(&match{g: g, clause: &c, at: at}) {
					cand, ok := finish(cand, c, at)
					if !ok {
						continue
					}
					if index == nil {
						index = map[string]int{}
					}
					if i, seen := index[cand.Slot]; seen {
						out[i] = cand
						continue
					}
					index[cand.Slot] = len(out)
					out = append(out, cand)
				}
			}
		}
	}
	return out
}

// finish fills in confidence, sensitivity and time, and drops anything
// malformed or carrying a redaction placeholder.
func finish(c Candidate, cl clause, at time.Time) (Candidate, bool) {
	c.Slot = strings.TrimSpace(c.Slot)
	c.Value = strings.TrimSpace(c.Value)
	if c.Slot == "" || c.Value == "" || len(c.Value) > maxValueBytes || !model.ValidCategory(c.Category) {
		return c, false
	}
	for _, s := range []string{c.Slot, c.Value, c.Text} {
		if strings.Contains(s, secretMark) || strings.Contains(s, quoteMark) || strings.Contains(s, "redacted") || !utf8.ValidString(s) {
			return c, false
		}
	}
	for _, s := range []string{c.Slot, c.Value, c.Text} {
		if _, found := secrets.Redact(s); len(found) > 0 {
			return c, false
		}
	}
	if c.Confidence == 0 {
		c.Confidence = ConfDirect
	}
	if cl.hedged && c.Confidence > ConfHedged {
		c.Confidence = ConfHedged
	}
	c.Sensitivity = sensitivityOf(c.Slot, c.Category)
	c.ValidFrom = at
	return c, true
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
