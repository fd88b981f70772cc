package bench

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// lmeRecord is one LongMemEval question with its haystack.
type lmeRecord struct {
	QuestionID   string     `json:"question_id"`
	QuestionType string     `json:"question_type"`
	Question     string     `json:"question"`
	QuestionDate string     `json:"question_date"`
	SessionIDs   []string   `json:"haystack_session_ids"`
	Dates        []string   `json:"haystack_dates"`
	Sessions     [][]lmeMsg `json:"haystack_sessions"`
	AnswerIDs    []string   `json:"answer_session_ids"`
}

type lmeMsg struct {
	Role      string `json:"role"`
	Content   string `json:"content"`
	HasAnswer bool   `json:"has_answer"`
}

// Gold is what a query must find, by unit.
type Gold struct {
	QID      string
	Type     string // LongMemEval question_type or LoCoMo category name
	Sessions []string
	Turns    []string
	Skip     bool // abstention question (scored apart)
}

// Dataset is a benchmark converted to the generic format plus its gold.
type Dataset struct {
	Corpus   *Corpus
	Queries  map[string][]QueryLine // by unit
	Gold     map[string]*Gold       // by qid
	QIDOrder []string
}

func openMaybeGzip(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, nil
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{z, f}, nil
}

// lmeTime parses "2023/05/20 (Sat) 02:21" as UTC.
func lmeTime(s string) (time.Time, error) {
	t, err := time.Parse("2006/01/02 (Mon) 15:04", strings.TrimSpace(s))
	if err != nil {
		return t, fmt.Errorf("unrecognised LongMemEval date %q", s)
	}
	return t, nil
}

// LoadLongMemEval converts a LongMemEval file exactly as shared/evals/
// convert.py does (one scope per question; turn n of a session at +(n-1) s).
func LoadLongMemEval(path string) (*Dataset, error) {
	r, err := openMaybeGzip(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	ds, err := parseLongMemEval(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ds, nil
}

func parseLongMemEval(r io.Reader) (*Dataset, error) {
	var recs []lmeRecord
	if err := json.NewDecoder(r).Decode(&recs); err != nil {
		return nil, err
	}
	ds := &Dataset{Corpus: &Corpus{}, Queries: map[string][]QueryLine{}, Gold: map[string]*Gold{}}
	for _, e := range recs {
		if len(e.SessionIDs) != len(e.Dates) || len(e.Dates) != len(e.Sessions) {
			return nil, fmt.Errorf("%s: haystack ids, dates and sessions differ in length", e.QuestionID)
		}
		g := &Gold{QID: e.QuestionID, Type: e.QuestionType, Skip: strings.HasSuffix(e.QuestionID, "_abs")}
		answer := map[string]bool{}
		for _, s := range e.AnswerIDs {
			answer[s] = true
		}
		goldSess := map[string]bool{}
		goldTurn := map[string]bool{}
		for i, sid := range e.SessionIDs {
			t0, err := lmeTime(e.Dates[i])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", e.QuestionID, err)
			}
			for n, m := range e.Sessions[i] {
				id := fmt.Sprintf("%s_%d", sid, n+1)
				ds.Corpus.Add(CorpusLine{Scope: e.QuestionID, Session: sid, ID: id, Role: m.Role, Text: m.Content,
					Time: t0.Add(time.Duration(n) * time.Second)})
				if m.Role == "user" && m.HasAnswer {
					if answer[sid] && !goldSess[sid] {
						goldSess[sid] = true
						g.Sessions = append(g.Sessions, sid)
					}
					if !goldTurn[id] {
						goldTurn[id] = true
						g.Turns = append(g.Turns, id)
					}
				}
			}
		}
		qt, err := lmeTime(e.QuestionDate)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.QuestionID, err)
		}
		for _, u := range []string{"session", "turn"} {
			ds.Queries[u] = append(ds.Queries[u], QueryLine{QID: e.QuestionID, Scope: e.QuestionID, Text: e.Question, Time: qt, Unit: u})
		}
		ds.Gold[e.QuestionID] = g
		ds.QIDOrder = append(ds.QIDOrder, e.QuestionID)
	}
	return ds, nil
}
