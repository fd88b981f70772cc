package merge_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/confidant-dev/confidant/core/hlc"
	"github.com/confidant-dev/confidant/core/merge"
	"github.com/confidant-dev/confidant/core/model"
)

// item is how an engine might carry typed records: one of the fields is set
// according to the key's kind (settings as one JSON value per field).
type item struct {
	Session *model.Session  `json:"s,omitempty"`
	Turn    *model.Turn     `json:"t,omitempty"`
	Fact    *model.Fact     `json:"f,omitempty"`
	Setting json.RawMessage `json:"v,omitempty"`
}

// AppendCanonical uses encoding/json, which is deterministic for these
// structs (fixed field order, no maps).
func (it item) AppendCanonical(dst []byte) []byte {
	b, err := json.Marshal(it)
	if err != nil {
		panic(err) // only for unsupported values, which the model has none of
	}
	return append(dst, b...)
}

func Example() {
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	laptop, _ := hlc.NewClock("laptop", now)
	phone, _ := hlc.NewClock("phone", now)

	turn := &model.Turn{ID: "t1", Session: "s1", Role: model.RoleUser, Text: "I moved to Lisbon", Time: at}
	key := merge.Key{Kind: merge.KindTurn, ID: "t1"}
	local := merge.FromRecords(merge.Record[item]{Key: key, Stamp: laptop.Now(), Payload: item{Turn: turn}})

	// The phone received the turn earlier and deletes it: a tombstone
	// stamped after the version it replaces.
	seen, _ := local.Get(key)
	remote := merge.FromRecords(merge.Record[item]{Key: key, Stamp: phone.After(seen.Stamp), Deleted: true})

	// Sync on the laptop: observe the remote clock, merge, apply changes.
	laptop.Observe(remote.MaxStamp())
	merged := merge.Merge(local, remote)
	for r := range merge.Changed(local, merged) {
		fmt.Println(r.Key, "deleted:", r.Deleted)
	}
	fmt.Println("same state:", merge.Hash(merged) == merge.Hash(merge.Merge(remote, local)))
	// Output:
	// turn:t1 deleted: true
	// same state: true
}
