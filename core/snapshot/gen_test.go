package snapshot

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/model"
)

// Test helpers that build states: random ones for round trips, English-like
// ones for benchmarks, and normalize, which says what a round trip returns.

// normalize returns a deep copy of s as Decode returns it: records sorted by
// id, times truncated to milliseconds in UTC, empty lists nil, -0 as +0.
func normalize(s *model.State) *model.State {
	out := &model.State{Settings: s.Settings}
	out.Settings.Consent = nilIfEmpty(slices.Clone(s.Settings.Consent))
	ms := func(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }
	for _, x := range s.Sessions {
		x.Start = ms(x.Start)
		out.Sessions = append(out.Sessions, x)
	}
	for _, t := range s.Turns {
		t.Time = ms(t.Time)
		out.Turns = append(out.Turns, t)
	}
	for _, f := range s.Facts {
		f.ValidFrom = ms(f.ValidFrom)
		f.Sources = nilIfEmpty(slices.Clone(f.Sources))
		if f.Confidence == 0 {
			f.Confidence = 0
		}
		out.Facts = append(out.Facts, f)
	}
	slices.SortFunc(out.Sessions, func(a, b model.Session) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(out.Turns, func(a, b model.Turn) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(out.Facts, func(a, b model.Fact) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Pieces of random strings: ASCII, accents, CJK, emoji, combining marks,
// a NUL and a right-to-left mark.
var pieces = []string{
	"a", "Z", "0", " ", "-", "_", ":", "é", "ß", "日本", "語", "🙂", "👩‍💻", "e\u0301",
	"\x00", "\u200f", "שלום", "Ω", "\t", "\n", "\"", "\\",
}

func randText(r *rand.Rand, maxPieces int) string {
	var b strings.Builder
	for range r.IntN(maxPieces + 1) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randID returns a valid id of 1..model.MaxIDBytes bytes.
func randID(r *rand.Rand) string {
	var s string
	switch r.IntN(8) {
	case 0:
		s = randText(r, 80) // sometimes long, sometimes cut below
	case 1:
		s = strings.Repeat("x", model.MaxIDBytes)
	default:
		s = randText(r, 6)
	}
	for len(s) > model.MaxIDBytes {
		s = s[:len(s)-1]
	}
	s = strings.ToValidUTF8(s, "")
	if s == "" {
		s = "i"
	}
	return s
}

// uniqueIDs returns n distinct ids with a prefix, so turns, sessions and
// facts can share id spaces or not.
func uniqueIDs(r *rand.Rand, n int) []string {
	seen := map[string]bool{}
	var ids []string
	for len(ids) < n {
		id := randID(r)
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

var zones = []*time.Location{time.UTC, time.FixedZone("x", -7*3600), time.FixedZone("y", 5*3600+1800), time.Local}

func randTime(r *rand.Rand, allowZero bool) time.Time {
	switch r.IntN(10) {
	case 0:
		if allowZero {
			return time.Time{}
		}
	case 1:
		return time.UnixMilli(-r.Int64N(1 << 45)) // before 1970
	case 2:
		return time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	}
	ns := r.Int64N(4_000_000_000_000_000_000) // 1970..2096, nanoseconds
	return time.Unix(0, ns).In(zones[r.IntN(len(zones))])
}

// randState returns a valid state of up to about size records per kind.
func randState(r *rand.Rand, size int) *model.State {
	s := &model.State{Settings: model.Settings{
		TokenBudget: int(r.Uint64()) >> r.IntN(64), // any sign and size
		MaxMemories: r.IntN(20) - 3,
	}}
	for range r.IntN(4) {
		s.Settings.Consent = append(s.Settings.Consent, model.Categories[r.IntN(len(model.Categories))])
	}
	if r.IntN(5) == 0 {
		s.Settings.Consent = []model.Category{} // empty, not nil
	}

	sessionIDs := uniqueIDs(r, r.IntN(size+1))
	for _, id := range sessionIDs {
		x := model.Session{ID: id, Title: randText(r, 12), Start: randTime(r, true)}
		if r.IntN(3) > 0 {
			x.Site = []string{"chatgpt.com", "claude.ai", "gemini.google.com", "ü.example"}[r.IntN(4)]
		}
		s.Sessions = append(s.Sessions, x)
	}
	orphans := uniqueIDs(r, r.IntN(3))
	orphans = slices.DeleteFunc(orphans, func(id string) bool { return slices.Contains(sessionIDs, id) })
	refs := append(slices.Clone(sessionIDs), orphans...)

	turnIDs := uniqueIDs(r, r.IntN(size*3+1))
	if len(refs) == 0 {
		turnIDs = nil
	}
	for _, id := range turnIDs {
		t := model.Turn{
			ID:      id,
			Session: refs[r.IntN(len(refs))],
			Role:    []model.Role{model.RoleUser, model.RoleAssistant}[r.IntN(2)],
			Text:    randText(r, 40),
			Time:    randTime(r, false),
		}
		s.Turns = append(s.Turns, t)
	}

	factIDs := uniqueIDs(r, r.IntN(size+1))
	for _, id := range factIDs {
		f := model.Fact{
			ID:          id,
			Slot:        randText(r, 4),
			Value:       randText(r, 6),
			Text:        randText(r, 20),
			Category:    model.Categories[r.IntN(len(model.Categories))],
			Sensitivity: []model.Sensitivity{model.Normal, model.Sensitive}[r.IntN(2)],
			Confidence:  []float64{0, 1, r.Float64(), math.Copysign(0, -1), -2.5, math.MaxFloat64, math.SmallestNonzeroFloat64}[r.IntN(7)],
			ValidFrom:   randTime(r, true),
			Pinned:      r.IntN(3) == 0,
			UserEdited:  r.IntN(3) == 0,
		}
		if r.IntN(3) == 0 {
			f.SupersededBy = factIDs[r.IntN(len(factIDs))]
		}
		switch r.IntN(4) {
		case 0:
		case 1:
			f.Sources = []string{}
		default:
			for range r.IntN(60) {
				if len(turnIDs) > 0 && r.IntN(4) > 0 {
					f.Sources = append(f.Sources, turnIDs[r.IntN(len(turnIDs))])
				} else {
					f.Sources = append(f.Sources, randID(r))
				}
			}
		}
		s.Facts = append(s.Facts, f)
	}
	// Records arrive in any order; Encode sorts.
	r.Shuffle(len(s.Sessions), func(i, j int) { s.Sessions[i], s.Sessions[j] = s.Sessions[j], s.Sessions[i] })
	r.Shuffle(len(s.Turns), func(i, j int) { s.Turns[i], s.Turns[j] = s.Turns[j], s.Turns[i] })
	r.Shuffle(len(s.Facts), func(i, j int) { s.Facts[i], s.Facts[j] = s.Facts[j], s.Facts[i] })
	return s
}

// words is a small English vocabulary for benchmark text, most common first
// so a Zipf draw gives a natural word frequency.
var words = strings.Fields(`
the of and to a in is it you that he was for on are with as I his they be at
one have this from or had by not word but what some we can out other were all
there when up use your how said an each she which do their time if will way
about many then them write would like so these her long make thing see him two
has look more day could go come did number sound no most people my over know
water than call first who may down side been now find any new work part take
get place made live where after back little only round man year came show every
good me give our under name very through just form sentence great think say
help low line differ turn cause much mean before move right boy old too same
tell does set three want air well also play small end put home read hand port
large spell add even land here must big high such follow act why ask men change
went light kind off need house picture try us again animal point mother world
near build self earth father head stand own page should country found answer
school grow study still learn plant cover food sun four between state keep eye
never last let thought city tree cross farm hard start might story saw far sea
draw left late run while press close night real life few north open seem
together next white children begin got walk example ease paper group always
music those both mark often letter until mile river car feet care second book
carry took science eat room friend began idea fish mountain stop once base hear
horse cut sure watch color face wood main enough plain girl usual young ready
above ever red list though feel talk bird soon body dog family direct pose leave
song measure door product black short numeral class wind question happen
complete ship area half rock order fire south problem piece told knew pass since
top whole king space heard best hour better true during hundred five remember
step early hold west ground interest reach fast verb sing listen six table
travel less morning ten simple several vowel toward war lay against pattern slow
center love person money serve appear road map rain rule govern pull cold notice
voice unit power town fine certain fly fall lead cry dark machine note wait plan
figure star box noun field rest correct able pound done beauty drive stood
contain front teach week final gave green oh quick develop ocean warm free
minute strong special mind behind clear tail produce fact street inch multiply
nothing course stay wheel full force blue object decide surface deep moon island
foot system busy test record boat common gold possible plane stead dry wonder
laugh thousand ago ran check game shape equate hot miss brought heat snow tire
bring yes distant fill east paint language among`)

// sentences returns about n words of English-like text.
func sentences(r *rand.Rand, z *rand.Zipf, n int) string {
	var b strings.Builder
	for n > 0 {
		k := min(n, 6+r.IntN(12))
		n -= k
		for i := range k {
			w := words[z.Uint64()]
			if i == 0 {
				b.WriteString(strings.ToUpper(w[:1]))
				b.WriteString(w[1:])
			} else {
				b.WriteByte(' ')
				b.WriteString(w)
			}
			if i < k-1 && r.IntN(12) == 0 {
				b.WriteByte(',')
			}
		}
		b.WriteString(". ")
	}
	return strings.TrimSpace(b.String())
}

// uuid returns a random version-4-looking id, like those chat sites use.
func uuid(r *rand.Rand) string {
	a, c := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, c>>48&0x3fff|0x8000, c&0xffffffffffff)
}

// chatState returns a realistic state: turns in sessions of about 20, about
// 60 words each, alternating roles, a minute or two apart, and some facts.
func chatState(seed uint64, turns int) *model.State {
	return chatStateVocab(seed, turns, smallVocab)
}

// smallVocab is how many of words the benchmark text uses: the brief's
// "small word list". Random draws have none of real prose's phrase
// structure, so a bigger vocabulary compresses worse than real chat text.
const smallVocab = 250

func chatStateVocab(seed uint64, turns, vocab int) *model.State {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	z := rand.NewZipf(r, 1.07, 2, uint64(min(vocab, len(words))-1))
	s := &model.State{Settings: model.DefaultSettings()}
	sites := []string{"chatgpt.com", "claude.ai", "gemini.google.com"}
	now := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	var session model.Session
	for i := range turns {
		if i%20 == 0 {
			now = now.Add(time.Duration(r.IntN(72)) * time.Hour)
			session = model.Session{ID: uuid(r), Site: sites[r.IntN(len(sites))], Title: sentences(r, z, 4), Start: now}
			s.Sessions = append(s.Sessions, session)
		}
		now = now.Add(time.Duration(30+r.IntN(120))*time.Second + time.Duration(r.IntN(1000))*time.Millisecond)
		role := model.RoleUser
		if i%2 == 1 {
			role = model.RoleAssistant
		}
		s.Turns = append(s.Turns, model.Turn{
			ID: uuid(r), Session: session.ID, Role: role, Time: now,
			Text: sentences(r, z, 40+r.IntN(41)),
		})
	}
	for i := range turns / 30 {
		f := model.Fact{
			ID:          fmt.Sprintf("f%016x", r.Uint64()),
			Slot:        words[z.Uint64()] + ":" + words[z.Uint64()],
			Value:       words[z.Uint64()],
			Text:        sentences(r, z, 6),
			Category:    model.Categories[r.IntN(len(model.Categories))],
			Sensitivity: model.Normal,
			Confidence:  0.5 + r.Float64()/2,
			ValidFrom:   s.Turns[i*30].Time,
			Sources:     []string{s.Turns[i*30].ID},
			Pinned:      i%17 == 0,
		}
		s.Facts = append(s.Facts, f)
	}
	return s
}
