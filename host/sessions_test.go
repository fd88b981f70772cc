package host_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/core/model"
	"github.com/confidant-dev/confidant/host"
	"github.com/confidant-dev/confidant/wasm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sessionIDs(l engine.SessionList) []string {
	var out []string
	for _, s := range l.Sessions {
		out = append(out, s.ID)
	}
	return out
}

func ingestSampleOnSites(t *testing.T, c host.Client) {
	_, err := c.Ingest(context.Background(), []model.Session{
		{ID: "s1", Site: "claude", Title: "New puppy"},
		{ID: "s2", Site: "chatgpt"},
		{ID: "s3", Site: "claude"},
	}, sample())
	require.NoError(t, err)
}

func TestSessionsListBrowsesByTimeAndSite(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		ingestSampleOnSites(t, c)
		l, err := c.Sessions(ctx, engine.SessionFilter{})
		require.NoError(t, err)
		assert.Equal(t, []string{"s3", "s2", "s1"}, sessionIDs(l), "newest first")
		assert.Equal(t, 3, l.Total)
		s2 := l.Sessions[1]
		assert.Equal(t, engine.SessionSummary{ID: "s2", Site: "chatgpt",
			Title: "Can you help me plan a vegetarian lasagna for Sunday dinner?",
			Start: t0.AddDate(0, 0, 7), Last: t0.AddDate(0, 0, 7).Add(time.Minute), Turns: 2, UserTurns: 1}, s2)
		assert.Equal(t, "New puppy", l.Sessions[2].Title)

		l, err = c.Sessions(ctx, engine.SessionFilter{Site: "claude"})
		require.NoError(t, err)
		assert.Equal(t, []string{"s3", "s1"}, sessionIDs(l))
		l, err = c.Sessions(ctx, engine.SessionFilter{From: t0.AddDate(0, 0, 1), To: t0.AddDate(0, 0, 14)})
		require.NoError(t, err)
		assert.Equal(t, []string{"s2"}, sessionIDs(l), "to is exclusive: s3 starts exactly at it")
		l, err = c.Sessions(ctx, engine.SessionFilter{Query: "LASAGNA"})
		require.NoError(t, err)
		assert.Equal(t, []string{"s2"}, sessionIDs(l))
		one := 1
		l, err = c.Sessions(ctx, engine.SessionFilter{Page: engine.Page{Limit: &one, Offset: 1}})
		require.NoError(t, err)
		assert.Equal(t, []string{"s2"}, sessionIDs(l))
		assert.Equal(t, 3, l.Total)
	})
}

func TestSessionsGetReturnsTurnsInOrder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		ingestSampleOnSites(t, c)
		d, err := c.Session(ctx, engine.SessionGet{ID: "s1"})
		require.NoError(t, err)
		assert.Equal(t, "New puppy", d.Session.Title)
		assert.Equal(t, 2, d.Session.Turns)
		assert.Equal(t, []engine.SessionTurn{
			{ID: "s1-1", Role: model.RoleUser, Text: sample()[0].Text, Time: t0},
			{ID: "s1-2", Role: model.RoleAssistant, Text: sample()[1].Text, Time: t0.Add(time.Minute)},
		}, d.Turns)
		one := 1
		d, err = c.Session(ctx, engine.SessionGet{ID: "s1", Page: engine.Page{Limit: &one, Offset: 1}})
		require.NoError(t, err)
		require.Len(t, d.Turns, 1)
		assert.Equal(t, "s1-2", d.Turns[0].ID)

		_, err = c.Session(ctx, engine.SessionGet{ID: "missing"})
		var we *wasm.Error
		require.True(t, errors.As(err, &we), "want a wasm.Error, got %v", err)
		assert.Equal(t, wasm.CodeNotFound, we.Code)
		assert.Contains(t, we.Message, "missing")
	})
}

// TestSessionsWireShapes pins the JSON the extension reads, and the errors
// for bad paging.
func TestSessionsWireShapes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, c host.Client) {
		ctx := context.Background()
		ingestSampleOnSites(t, c)
		reply, err := c.C.Call(ctx, []byte(`{"op":"sessions.list","site":"chatgpt"}`))
		require.NoError(t, err)
		assert.JSONEq(t, `{"sessions":[{"id":"s2","site":"chatgpt","title":"Can you help me plan a vegetarian lasagna for Sunday dinner?",
			"start":"2024-03-08T09:00:00Z","last":"2024-03-08T09:01:00Z","turns":2,"user_turns":1}],"total":1}`, string(reply))
		reply, err = c.C.Call(ctx, []byte(`{"op":"sessions.get","id":"s3"}`))
		require.NoError(t, err)
		assert.JSONEq(t, `{"session":{"id":"s3","site":"claude","title":"My flight to Tokyo for the conference leaves on April 12.",
			"start":"2024-03-15T09:00:00Z","last":"2024-03-15T09:00:00Z","turns":1,"user_turns":1},
			"turns":[{"id":"s3-1","role":"user","text":"My flight to Tokyo for the conference leaves on April 12.","time":"2024-03-15T09:00:00Z"}]}`, string(reply))
		reply, err = c.C.Call(ctx, []byte(`{"op":"sessions.list","query":"zebra"}`))
		require.NoError(t, err)
		assert.JSONEq(t, `{"sessions":[],"total":0}`, string(reply))

		for _, tc := range []struct{ req, code, msg string }{
			{`{"op":"sessions.list","limit":0}`, wasm.CodeInvalid, "limit must be between 1 and 500"},
			{`{"op":"sessions.list","limit":501}`, wasm.CodeInvalid, "limit must be between 1 and 500"},
			{`{"op":"sessions.list","offset":-1}`, wasm.CodeInvalid, "offset"},
			{`{"op":"sessions.list","from":"yesterday"}`, wasm.CodeBadRequest, "yesterday"},
			{`{"op":"sessions.list","sites":"claude"}`, wasm.CodeBadRequest, "sites"},
			{`{"op":"sessions.get","id":"s1","limit":1000}`, wasm.CodeInvalid, "limit"},
			{`{"op":"sessions.get","id":"nope"}`, wasm.CodeNotFound, `nope`},
		} {
			reply, err := c.C.Call(ctx, []byte(tc.req))
			require.NoError(t, err)
			var env struct{ Error wasm.Error }
			require.NoError(t, json.Unmarshal(reply, &env), tc.req)
			assert.Equal(t, tc.code, env.Error.Code, tc.req)
			assert.Contains(t, env.Error.Message, tc.msg, tc.req)
		}
	})
}
