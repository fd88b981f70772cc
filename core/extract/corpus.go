package extract

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/confidant-dev/confidant/core/model"
)

// Example is one labelled utterance of the evaluation corpus
// (testdata/extraction/corpus.jsonl; its README gives the format).
type Example struct {
	Text  string         `json:"text"`
	At    time.Time      `json:"at"`
	Facts []ExpectedFact `json:"facts"`
	// Then is an optional later utterance by the same user.
	Then *FollowUp `json:"then,omitempty"`
}

// FollowUp is the second utterance of a change case.
type FollowUp struct {
	Text  string         `json:"text"`
	At    time.Time      `json:"at"`
	Facts []ExpectedFact `json:"facts"`
	// Supersedes lists slots of the first utterance this one must replace.
	Supersedes []string `json:"supersedes"`
}

// ExpectedFact is a labelled fact.
type ExpectedFact struct {
	Slot     string         `json:"slot"`
	Value    string         `json:"value"`
	Category model.Category `json:"category"`
}

// maxLine bounds one corpus line.
const maxLine = 1 << 20

// LoadCorpus reads a JSON-lines corpus, one Example per non-empty line.
func LoadCorpus(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(line) == 0 {
			continue
		}
		var ex Example
		if err := json.Unmarshal(line, &ex); err != nil {
			return nil, fmt.Errorf("corpus line %d: %w", n, err)
		}
		if ex.At.IsZero() {
			return nil, fmt.Errorf("corpus line %d: %w", n, model.ErrNoTime)
		}
		for _, f := range ex.Facts {
			if !model.ValidCategory(f.Category) {
				return nil, fmt.Errorf("corpus line %d: unknown category %q", n, f.Category)
			}
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading corpus: %w", err)
	}
	return out, nil
}
