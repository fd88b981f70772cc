//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"syscall/js"

	confsync "github.com/confidant-dev/confidant/worker/sync"
)

// r2Store is a confsync.Store over an R2 bucket binding, called through
// syscall/js: the Go binding (cloudflare/r2) has no conditional put and
// reads a failed condition's null result as an error.
//
// Records are compare-and-swapped with R2's conditional put: onlyIf
// {etagMatches: <etag read>} to replace, {etagDoesNotMatch: "*"} to create;
// R2 applies the condition and the write atomically and resolves to null
// when the condition fails. Blobs are plain puts under fresh keys.
type r2Store struct {
	bucket js.Value
}

func newR2Store(bucket js.Value) *r2Store { return &r2Store{bucket: bucket} }

// await waits for a JavaScript promise.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var then, catch js.Func
	then = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	catch = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: fmt.Errorf("r2: %s", args[0].Call("toString").String())}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}

// call calls a bucket method and awaits its promise; a synchronous throw
// is returned as an error too.
func (s *r2Store) call(method string, args ...any) (v js.Value, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("r2 %s: %v", method, e)
		}
	}()
	return await(s.bucket.Call(method, args...))
}

func toJSBytes(b []byte) js.Value {
	ua := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(ua, b)
	return ua
}

// readBody reads an R2ObjectBody's bytes.
func readBody(obj js.Value) ([]byte, error) {
	buf, err := await(obj.Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	ua := js.Global().Get("Uint8Array").New(buf)
	b := make([]byte, ua.Get("length").Int())
	js.CopyBytesToGo(b, ua)
	return b, nil
}

func (s *r2Store) GetRecord(_ context.Context, key string) ([]byte, string, error) {
	obj, err := s.call("get", key)
	if err != nil {
		return nil, "", err
	}
	if obj.IsNull() || obj.IsUndefined() {
		return nil, "", confsync.ErrNotFound
	}
	b, err := readBody(obj)
	if err != nil {
		return nil, "", err
	}
	return b, obj.Get("etag").String(), nil
}

func (s *r2Store) PutRecord(_ context.Context, key string, data []byte, ifMatch string) (string, error) {
	cond := map[string]any{"etagDoesNotMatch": "*"}
	if ifMatch != "" {
		cond = map[string]any{"etagMatches": ifMatch}
	}
	obj, err := s.call("put", key, toJSBytes(data), map[string]any{"onlyIf": cond})
	if err != nil {
		return "", err
	}
	if obj.IsNull() || obj.IsUndefined() {
		return "", confsync.ErrConflict
	}
	return obj.Get("etag").String(), nil
}

func (s *r2Store) PutBlob(_ context.Context, key string, r io.Reader) (int64, error) {
	// The body is already bounded by the Handler's size cap; R2 needs a known
	// length, so it is buffered.
	b, err := io.ReadAll(r)
	if err != nil {
		return 0, fmt.Errorf("reading the blob: %w", err)
	}
	if _, err := s.call("put", key, toJSBytes(b)); err != nil {
		return 0, err
	}
	return int64(len(b)), nil
}

func (s *r2Store) GetBlob(_ context.Context, key string) (io.ReadCloser, int64, error) {
	obj, err := s.call("get", key)
	if err != nil {
		return nil, 0, err
	}
	if obj.IsNull() || obj.IsUndefined() {
		return nil, 0, confsync.ErrNotFound
	}
	b, err := readBody(obj)
	if err != nil {
		return nil, 0, err
	}
	return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
}

func (s *r2Store) Delete(_ context.Context, keys ...string) error {
	for len(keys) > 0 {
		n := min(len(keys), 1000) // R2's limit per delete call
		arr := make([]any, n)
		for i, k := range keys[:n] {
			arr[i] = k
		}
		if _, err := s.call("delete", arr); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

func (s *r2Store) List(_ context.Context, prefix string) ([]string, error) {
	var keys []string
	opts := map[string]any{"prefix": prefix}
	for range 10_000 {
		res, err := s.call("list", opts)
		if err != nil {
			return nil, err
		}
		objs := res.Get("objects")
		for i := 0; i < objs.Length(); i++ {
			keys = append(keys, objs.Index(i).Get("key").String())
		}
		if !res.Get("truncated").Truthy() {
			return keys, nil
		}
		opts["cursor"] = res.Get("cursor").String()
	}
	return nil, errors.New("r2 list: too many pages")
}

var _ confsync.Store = (*r2Store)(nil)
