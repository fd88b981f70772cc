package when

import (
	"testing"
	"time"
)

func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"", "yesterday", "the day before yesterday", "a couple of days ago", "in the past 3 days",
		"last Tuesday", "May 3rd, 2023", "2023-05-03T10:00", "5/3/2023", "early last summer",
		"the first week of March", "New Year’s Eve", "mid-2022", "every other Monday", "$2023",
		"\xff\xfe", "on the 31st", "Feb 29", "twenty-first of May", "since 2021", benchPrompt,
	} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, text string, secs int64) {
		// now anywhere from ~1900 to ~2100, in an odd-offset zone half the time.
		now := time.Unix(secs%(200*365*86400)+1e9, 0)
		if secs%2 == 0 {
			now = now.In(time.FixedZone("X", 5*3600+45*60))
		} else {
			now = now.UTC()
		}
		rs := Find(text, now)
		if len(rs) > maxRanges {
			t.Fatalf("%d ranges", len(rs))
		}
		prev := -1
		for _, r := range rs {
			if !r.Start.Before(r.End) {
				t.Fatalf("empty range %+v", r)
			}
			if r.Pos < 0 || r.Pos+len(r.Phrase) > len(text) || text[r.Pos:r.Pos+len(r.Phrase)] != r.Phrase {
				t.Fatalf("phrase %q not at %d", r.Phrase, r.Pos)
			}
			if r.Phrase == "" || r.Pos <= prev {
				t.Fatalf("out of order or empty: %+v", r)
			}
			prev = r.Pos + len(r.Phrase) - 1
		}
		_ = Strip(text, rs)
	})
}
