package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

type locomoSample struct {
	SampleID     string                     `json:"sample_id"`
	Conversation map[string]json.RawMessage `json:"conversation"`
	QA           []struct {
		Question string `json:"question"`
		Category int    `json:"category"`
		Evidence []any  `json:"evidence"`
	} `json:"qa"`
}

type locomoTurn struct {
	Speaker string `json:"speaker"`
	DiaID   string `json:"dia_id"`
	Text    string `json:"text"`
}

// LoCoMoCategories names the question categories.
var LoCoMoCategories = map[int]string{1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}

var (
	sessionKey = regexp.MustCompile(`^session_(\d+)$`)
	diaID      = regexp.MustCompile(`^D(\d+):(\d+)$`)
)

// locomoTime parses "1:56 pm on 8 May, 2023" as UTC.
func locomoTime(s string) (time.Time, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	t, err := time.Parse("3:04 pm on 2 January 2006", s)
	if err != nil {
		return t, fmt.Errorf("unrecognised LoCoMo date %q", s)
	}
	return t, nil
}

// LoadLoCoMo converts LoCoMo exactly as shared/evals/convert.py does: both
// speakers are "user", text is "<speaker>: <text>", turn i of a session at
// +i s, queries asked a day after the last session.
func LoadLoCoMo(path string) (*Dataset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ds, err := parseLoCoMo(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ds, nil
}

func parseLoCoMo(b []byte) (*Dataset, error) {
	var samples []locomoSample
	if err := json.Unmarshal(b, &samples); err != nil {
		return nil, err
	}
	ds := &Dataset{Corpus: &Corpus{}, Queries: map[string][]QueryLine{}, Gold: map[string]*Gold{}}
	for _, s := range samples {
		var nums []int
		for k := range s.Conversation {
			if m := sessionKey.FindStringSubmatch(k); m != nil {
				n, _ := strconv.Atoi(m[1])
				nums = append(nums, n)
			}
		}
		sort.Ints(nums)
		var last time.Time
		for _, n := range nums {
			var turns []locomoTurn
			if err := json.Unmarshal(s.Conversation[fmt.Sprintf("session_%d", n)], &turns); err != nil {
				return nil, fmt.Errorf("%s session_%d: %w", s.SampleID, n, err)
			}
			if len(turns) == 0 {
				continue
			}
			var when string
			if err := json.Unmarshal(s.Conversation[fmt.Sprintf("session_%d_date_time", n)], &when); err != nil {
				return nil, fmt.Errorf("%s session_%d: no date: %w", s.SampleID, n, err)
			}
			t0, err := locomoTime(when)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.SampleID, err)
			}
			last = t0
			for i, t := range turns {
				ds.Corpus.Add(CorpusLine{Scope: s.SampleID, Session: fmt.Sprintf("S%d", n), ID: t.DiaID, Role: "user",
					Text: t.Speaker + ": " + t.Text, Time: t0.Add(time.Duration(i) * time.Second)})
			}
		}
		qt := last.Add(24 * time.Hour)
		for i, qa := range s.QA {
			qid := fmt.Sprintf("%s#%d", s.SampleID, i)
			ds.Queries["turn"] = append(ds.Queries["turn"], QueryLine{QID: qid, Scope: s.SampleID, Text: qa.Question, Time: qt, Unit: "turn"})
			ds.Gold[qid] = &Gold{QID: qid, Type: LoCoMoCategories[qa.Category], Turns: evidence(qa.Evidence), Skip: qa.Category == 5}
			ds.QIDOrder = append(ds.QIDOrder, qid)
		}
	}
	return ds, nil
}

// evidence normalises LoCoMo evidence strings: split on ";" and spaces,
// read numbers as integers ("D30:05" → "D30:5"), drop anything else.
func evidence(raw []any) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range raw {
		s, ok := r.(string)
		if !ok {
			continue
		}
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ' ' || r == ',' }) {
			m := diaID.FindStringSubmatch(part)
			if m == nil {
				continue
			}
			a, _ := strconv.Atoi(m[1])
			b, _ := strconv.Atoi(m[2])
			id := fmt.Sprintf("D%d:%d", a, b)
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}
