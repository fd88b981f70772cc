package snapshot_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/core/snapshot"
)

func Example() {
	at := time.Date(2025, 5, 1, 12, 0, 0, 123_456_789, time.UTC)
	state := &model.State{
		Settings: model.DefaultSettings(),
		Sessions: []model.Session{{ID: "s1", Site: "claude.ai", Start: at}},
		Turns:    []model.Turn{{ID: "t1", Session: "s1", Role: model.RoleUser, Text: "I live in Lisbon.", Time: at}},
	}
	b, err := snapshot.Marshal(state)
	if err != nil {
		panic(err)
	}
	back, err := snapshot.Unmarshal(b)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b[:4]), b[4], back.Turns[0].Text, back.Turns[0].Time.Format(time.RFC3339Nano))

	b[len(b)-1] ^= 1 // damage it
	_, err = snapshot.Unmarshal(b)
	fmt.Println(errors.Is(err, snapshot.ErrCorrupt) || errors.Is(err, snapshot.ErrChecksum))
	// Output:
	// CFDS 1 I live in Lisbon. 2025-05-01T12:00:00.123Z
	// true
}
