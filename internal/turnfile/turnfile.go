// Package turnfile reads the CLI's ingest format: JSON Lines, one turn per
// line — {"session", "id", "role", "text", "time"} plus optional "site" and
// "title" for the turn's session. Unknown fields are refused, and the first
// bad line is reported by number.
package turnfile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/confidant-dev/confidant/core/model"
)

// ingestLine is one line of the ingest format: a turn plus optional
// session metadata.
type ingestLine struct {
	model.Turn
	Site  string `json:"site,omitempty"`
	Title string `json:"title,omitempty"`
}

// Read reads the ingest JSONL format, reporting the first bad line.
func Read(r io.Reader, name string) ([]model.Session, []model.Turn, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), model.MaxTextBytes*4)
	var turns []model.Turn
	sess := map[string]model.Session{}
	var order []string
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var l ingestLine
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %v", name, n, err)
		}
		if err := l.Turn.Validate(); err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %v", name, n, err)
		}
		if _, ok := sess[l.Session]; !ok {
			order = append(order, l.Session)
		}
		s := sess[l.Session]
		s.ID = l.Session
		if l.Site != "" {
			s.Site = l.Site
		}
		if l.Title != "" {
			s.Title = l.Title
		}
		sess[l.Session] = s
		turns = append(turns, l.Turn)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	out := make([]model.Session, 0, len(order))
	for _, id := range order {
		out = append(out, sess[id])
	}
	return out, turns, nil
}
