package bench

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEvidenceNormalised(t *testing.T) {
	got := evidence([]any{"D8:6; D9:17", "D9:1 D4:4 D4:6", "D30:05", "nonsense", 7, "D8:6"})
	assert.Equal(t, []string{"D8:6", "D9:17", "D9:1", "D4:4", "D4:6", "D30:5"}, got)
}

func TestMetrics(t *testing.T) {
	assert.Equal(t, 2, countIn([]string{"a", "b", "c", "a"}, []string{"a", "c"}, 3))
	assert.Equal(t, 1, countIn([]string{"a", "b", "c"}, []string{"a", "c"}, 2))
	assert.InDelta(t, 1.0, ndcg([]string{"a", "b"}, []string{"a"}, 5), 1e-9)
	// gold at rank 2 only: 1/log2(2) = 1 over ideal 1.
	assert.InDelta(t, 1.0, ndcg([]string{"x", "a"}, []string{"a"}, 5), 1e-9)
	// gold at rank 3: 1/log2(3).
	assert.InDelta(t, 0.6309, ndcg([]string{"x", "y", "a"}, []string{"a"}, 5), 1e-4)
	assert.Equal(t, "sess_7", sessionOf("sess_7_12"))
}

func TestScoreLME(t *testing.T) {
	ds := &Dataset{Gold: map[string]*Gold{
		"q1": {QID: "q1", Type: "a", Sessions: []string{"s1", "s2"}, Turns: []string{"s1_1", "s2_3"}},
		"q2": {QID: "q2", Type: "b", Sessions: []string{"s9"}, Turns: []string{"s9_1"}},
		"q3": {QID: "q3_abs", Skip: true, Sessions: []string{"s1"}},
	}}
	run := []RunLine{
		{QID: "q1", Ranked: []string{"s1_1", "s1_2", "s3_1", "s2_3"}},
		{QID: "q2", Ranked: []string{"s8_1"}},
		{QID: "q3", Ranked: nil},
	}
	s := ScoreLME(ds, run, "turn", false)
	assert.Equal(t, 2, s.N)
	assert.InDelta(t, 0.0, s.Get("recall_all", 3), 1e-9)
	assert.InDelta(t, 0.5, s.Get("recall_all", 5), 1e-9)
	assert.InDelta(t, 0.5, s.Get("recall_any", 1), 1e-9)
	ss := ScoreLME(ds, run, "turn", true)
	// as sessions q1 ranks s1, s3, s2: both gold sessions within 3.
	assert.InDelta(t, 0.5, ss.Get("recall_all", 3), 1e-9)
}

func TestScoreLoCoMo(t *testing.T) {
	ds := &Dataset{Gold: map[string]*Gold{
		"c#0": {QID: "c#0", Type: "multi-hop", Turns: []string{"D1:1", "D2:2"}},
		"c#1": {QID: "c#1", Type: "adversarial", Turns: []string{"D1:1"}, Skip: true},
	}}
	s := ScoreLoCoMo(ds, []RunLine{{QID: "c#0", Ranked: []string{"D1:1", "D9:9"}}, {QID: "c#1"}})
	assert.Equal(t, 1, s.N)
	assert.InDelta(t, 0.5, s.Get("recall", 5), 1e-9)
}

func TestGenericReadersReportLines(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.jsonl")
	require.NoError(t, os.WriteFile(p, []byte(`{"scope":"a","session":"s","id":"1","role":"user","text":"x","time":"2024-01-01T00:00:00Z"}
{"scope":"a","session":"s","id":"2","role":"robot","text":"x","time":"2024-01-01T00:00:00Z"}
`), 0o644))
	_, err := ReadCorpus(p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "c.jsonl:2")
	assert.Contains(t, err.Error(), "role")
	q := filepath.Join(dir, "q.jsonl")
	require.NoError(t, os.WriteFile(q, []byte(`{"qid":"1","scope":"a","text":"x","time":"2024-01-01T00:00:00Z","unit":"page"}`), 0o644))
	_, err = ReadQueries(q)
	assert.ErrorContains(t, err, "unit")
}

func TestLoCoMoConversionMatchesProtocol(t *testing.T) {
	sample := []map[string]any{{
		"sample_id": "conv-1",
		"conversation": map[string]any{
			"speaker_a": "Ann", "speaker_b": "Bo",
			"session_2":           []map[string]string{{"speaker": "Bo", "dia_id": "D2:1", "text": "later"}},
			"session_2_date_time": "9:00 am on 3 June, 2023",
			"session_1":           []map[string]string{{"speaker": "Ann", "dia_id": "D1:1", "text": "hi"}, {"speaker": "Bo", "dia_id": "D1:2", "text": "yo"}},
			"session_1_date_time": "1:56 pm on 8 May, 2023",
		},
		"qa": []map[string]any{{"question": "q?", "category": 1, "evidence": []string{"D1:2"}}},
	}}
	b, _ := json.Marshal(sample)
	p := filepath.Join(t.TempDir(), "l.json")
	require.NoError(t, os.WriteFile(p, b, 0o644))
	ds, err := LoadLoCoMo(p)
	require.NoError(t, err)
	turns := ds.Corpus.Turns["conv-1"]
	require.Len(t, turns, 3)
	assert.Equal(t, "Ann: hi", turns[0].Text)
	assert.Equal(t, "2023-05-08T13:56:01Z", turns[1].Time.Format("2006-01-02T15:04:05Z"))
	assert.Equal(t, "S2", turns[2].Session)
	q := ds.Queries["turn"][0]
	assert.Equal(t, "conv-1#0", q.QID)
	assert.Equal(t, "2023-06-04T09:00:00Z", q.Time.Format("2006-01-02T15:04:05Z"))
	assert.Equal(t, []string{"D1:2"}, ds.Gold["conv-1#0"].Turns)
}

func FuzzCorpusLines(f *testing.F) {
	f.Add(`{"scope":"a","session":"s","id":"1","role":"user","text":"x","time":"2024-01-01T00:00:00Z"}`)
	f.Add(`{"qid":"1","scope":"a","text":"x","time":"2024-01-01T00:00:00Z","unit":"turn"}`)
	f.Fuzz(func(t *testing.T, in string) {
		c := &Corpus{}
		err := scanJSONL(strings.NewReader(in), "f", func(line int, b []byte) error { return parseCorpusLine(c, b) })
		if err != nil {
			assert.True(t, strings.HasPrefix(err.Error(), "f:"))
		}
		_ = scanJSONL(strings.NewReader(in), "f", func(line int, b []byte) error { _, err := parseQueryLine(b); return err })
	})
}

// FuzzLoaders: the benchmark loaders never panic on any input; whatever
// they accept has consistent gold and queries.
func FuzzLoaders(f *testing.F) {
	f.Add([]byte(`[{"sample_id":"c","conversation":{"session_1":[{"speaker":"A","dia_id":"D1:1","text":"hi"}],"session_1_date_time":"1:56 pm on 8 May, 2023"},"qa":[{"question":"q","category":1,"evidence":["D1:1"]}]}]`))
	f.Add([]byte(`[{"question_id":"q1","question_type":"t","question":"x","question_date":"2023/05/20 (Sat) 02:21","haystack_session_ids":["s"],"haystack_dates":["2023/05/20 (Sat) 02:21"],"haystack_sessions":[[{"role":"user","content":"hi","has_answer":true}]],"answer_session_ids":["s"]}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) (*Dataset, error){
			parseLoCoMo,
			func(b []byte) (*Dataset, error) { return parseLongMemEval(bytes.NewReader(b)) },
		} {
			ds, err := parse(b)
			if err != nil {
				continue
			}
			for _, qid := range ds.QIDOrder {
				require.NotNil(t, ds.Gold[qid])
			}
		}
	})
}
