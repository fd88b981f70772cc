package secrets

import "sort"

// span is a detected secret: text[start:end] is the secret itself (not the
// words around it).
type span struct {
	start, end int
	kind       Kind
}

func (s span) overlaps(o span) bool { return s.start < o.end && o.start < s.end }

// detector finds candidate secrets in text.
type detector func(text string, f *features) []span

// merge sorts spans and joins overlapping ones; the earlier (then longer)
// span's kind wins.
func merge(spans []span) []span {
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 && s.start < out[n-1].end {
			if s.end > out[n-1].end {
				out[n-1].end = s.end
			}
			continue
		}
		out = append(out, s)
	}
	return out
}
