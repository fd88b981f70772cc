// Package importer reads other chat tools' data exports — ChatGPT's and
// Claude's conversations.json, and a pasted list of "memories" — into
// Confidant's sessions, turns and fact lines.
//
// It is a push parser: the caller hands it the file in chunks of any size
// (Feed) and gets back whatever the chunk completed. Nothing blocks on a
// reader, so the same code runs inside the WebAssembly reactor, where the
// host feeds one chunk per call. The top-level JSON array is scanned
// incrementally (strings, escapes and nesting are tracked byte by byte);
// only the conversation being read is buffered, and each complete
// conversation object is decoded with encoding/json into typed structs.
// Memory is therefore bounded by the largest single conversation
// (MaxConversationBytes), not by the file.
//
// The result never depends on how the input is chunked, and malformed input
// gives one error naming where (conversation index, byte offset, line) and
// what — never a panic. After an error the parser is dead: every later call
// returns the same error.
//
// What is imported:
//
//   - ChatGPT: one branch per conversation, the one ending at current_node
//     (what the user last saw), walked up to the root. Editing a message or
//     regenerating a reply creates a sibling branch in the tree; importing
//     every branch would store near-duplicate turns and answers the user
//     rejected, so the others are left out. Without current_node, the branch
//     whose leaf was written last (the newest edit or regeneration) is taken.
//     Only user and assistant messages are kept; system, tool and hidden
//     messages, assistant messages addressed to a tool (recipient other than
//     "all") and non-text content (images, files, code-interpreter input and
//     output, browsing, reasoning) are skipped, and of a multimodal message
//     only its text parts are kept. A message without a time takes the
//     previous kept message's time plus a millisecond (so the order is kept),
//     or the conversation's create_time, or its update_time.
//   - Claude: every chat message from "human" (user) or "assistant", its
//     text content blocks joined by blank lines (or its "text" field when it
//     has no content blocks); tool use, tool results and thinking blocks are
//     skipped. Missing times fall back as for ChatGPT.
//   - Memories: plain text, one fact per line; list bullets and numbering
//     are removed, blank lines skipped.
//
// Ids are stable, so importing an export twice adds nothing: a session is
// "<site>:<conversation id>", a turn "<session id>:<message id>", with site
// chatgpt.com or claude.ai.
package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/confidant-dev/confidant/core/model"
)

// Format names an export format.
type Format string

// The formats Parser reads.
const (
	ChatGPT  Format = "chatgpt"
	Claude   Format = "claude"
	Memories Format = "memories"
)

// Formats lists the formats in documentation order.
var Formats = []Format{ChatGPT, Claude, Memories}

// Sites of imported sessions.
const (
	SiteChatGPT = "chatgpt.com"
	SiteClaude  = "claude.ai"
)

// Limits on input.
const (
	// MaxConversationBytes bounds one conversation object in a JSON export,
	// and so the parser's buffer. The largest real conversations (hundreds
	// of long turns) are a few megabytes.
	MaxConversationBytes = 32 << 20
	// MaxMemoryBytes bounds one memory line (the engine's limit on a
	// fact's text).
	MaxMemoryBytes = 1024
)

// ErrMalformed is wrapped by every error about the input itself (as
// opposed to misuse of the parser); callers branch on it with errors.Is.
var ErrMalformed = errors.New("malformed export")

// ErrTooLarge is wrapped (with ErrMalformed) when a conversation or line
// exceeds its limit.
var ErrTooLarge = errors.New("too large")

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown import format %q (want chatgpt, claude or memories)", s)
}

// Batch is what one Feed (or Close) completed.
type Batch struct {
	Sessions []model.Session
	Turns    []model.Turn
	// Facts are memory lines, one fact text each.
	Facts []string
}

// Len is the number of records in the batch.
func (b *Batch) Len() int { return len(b.Sessions) + len(b.Turns) + len(b.Facts) }

func (b *Batch) append(o Batch) {
	b.Sessions = append(b.Sessions, o.Sessions...)
	b.Turns = append(b.Turns, o.Turns...)
	b.Facts = append(b.Facts, o.Facts...)
}

// Parser reads one export pushed to it in chunks. It is not safe for
// concurrent use.
type Parser struct {
	format Format
	err    error // sticky
	closed bool
	off    int64 // bytes fed so far
	scan   arrayScanner
	lines  lineSplitter
}

// New returns a parser for format. An unknown format makes the first Feed
// or Close fail (see ParseFormat to check a name up front).
func New(format Format) *Parser {
	p := &Parser{format: format}
	if _, err := ParseFormat(string(format)); err != nil {
		p.err = err
	}
	p.scan.init(format)
	return p
}

// Format returns the parser's format.
func (p *Parser) Format() Format { return p.format }

// Offset returns how many bytes have been fed.
func (p *Parser) Offset() int64 { return p.off }

// Feed consumes the next chunk and returns the records it completed.
func (p *Parser) Feed(chunk []byte) (Batch, error) {
	if p.err != nil {
		return Batch{}, p.err
	}
	if p.closed {
		return Batch{}, errors.New("import: Feed after Close")
	}
	var b Batch
	var err error
	if p.format == Memories {
		b.Facts, err = p.lines.feed(chunk, p.off)
	} else {
		err = p.scan.feed(chunk, p.off, func(index int, start int64, obj []byte) error {
			return decodeConversation(p.format, index, start, obj, &b)
		})
	}
	p.off += int64(len(chunk))
	if err != nil {
		p.err = err
		return Batch{}, err
	}
	return b, nil
}

// Close checks that the input ended cleanly (a complete JSON array, or
// nothing after the last memory line) and returns any last records.
func (p *Parser) Close() (Batch, error) {
	if p.err != nil {
		return Batch{}, p.err
	}
	if p.closed {
		return Batch{}, nil
	}
	p.closed = true
	var b Batch
	var err error
	if p.format == Memories {
		b.Facts, err = p.lines.close(p.off)
	} else {
		err = p.scan.close(p.off)
	}
	if err != nil {
		p.err = err
		return Batch{}, err
	}
	return b, nil
}

// inputError is an error about the input: it matches ErrMalformed (and
// ErrTooLarge when a limit was hit) and reads as a plain sentence.
type inputError struct {
	msg   string
	large bool
}

func (e *inputError) Error() string { return e.msg }

func (e *inputError) Is(target error) bool {
	return target == ErrMalformed || (e.large && target == ErrTooLarge)
}

// malformed builds an input error.
func malformed(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// tooLarge builds an input error for a limit.
func tooLarge(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...), large: true}
}

// Detect guesses the format from the first bytes of a file (a few
// kilobytes are enough; 64 KiB is plenty): a JSON array whose objects have
// "mapping" or "current_node" is ChatGPT, one with "chat_messages" is
// Claude, and anything that is not JSON is a memories list.
func Detect(head []byte) (Format, error) {
	s := strings.TrimLeft(strings.TrimPrefix(string(head), "\ufeff"), " \t\r\n")
	if s == "" {
		return "", errors.New("the file is empty")
	}
	if s[0] != '[' && s[0] != '{' {
		return Memories, nil
	}
	gpt := firstIndex(s, `"mapping"`, `"current_node"`)
	cl := firstIndex(s, `"chat_messages"`)
	switch {
	case gpt >= 0 && (cl < 0 || gpt < cl):
		return ChatGPT, nil
	case cl >= 0:
		return Claude, nil
	case s[0] == '{':
		return "", errors.New("the file is a JSON object, not the array of conversations in conversations.json")
	case strings.TrimLeft(s[1:], " \t\r\n") == "]":
		return "", errors.New("the file is an empty JSON array: nothing to import (pass --format to import it anyway)")
	}
	return "", errors.New(`the file is JSON but neither a ChatGPT export (conversations with "mapping") nor a Claude export (conversations with "chat_messages")`)
}

func firstIndex(s string, subs ...string) int {
	best := -1
	for _, sub := range subs {
		if i := strings.Index(s, sub); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// decodeConversation decodes one complete conversation object.
func decodeConversation(f Format, index int, start int64, obj []byte, b *Batch) error {
	var err error
	switch f {
	case ChatGPT:
		var c *gptConversation
		if c, err = decodeChatGPT(obj, start); err == nil {
			err = c.batch(b)
		}
	case Claude:
		var c claudeConversation
		if err = json.Unmarshal(obj, &c); err == nil {
			err = c.batch(b)
		}
	}
	if err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return malformed("conversation %d (byte %d): invalid JSON at byte %d: %v", index, start, start+se.Offset-1, se)
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "the conversation"
			}
			return malformed("conversation %d (byte %d): %s is a JSON %s, expected %s", index, start, field, te.Value, jsonKind(te.Type.Kind().String()))
		}
		var ie *inputError
		if errors.As(err, &ie) {
			return &inputError{msg: fmt.Sprintf("conversation %d (byte %d): %s", index, start, ie.msg), large: ie.large}
		}
		return malformed("conversation %d (byte %d): %v", index, start, err)
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "float64", "int", "int64":
		return "a number"
	case "ptr":
		return "a value"
	}
	return k
}

// checkID rejects an id the engine would refuse, naming what it is.
func checkID(what, id string) error {
	if err := model.ValidateID(id); err != nil {
		return malformed("%s %q: %v", what, clip(id, 40), err)
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// title cleans a conversation title to what a session can hold.
func title(s string) string {
	s = strings.TrimSpace(s)
	if len(s) <= model.MaxTitleBytes {
		return s
	}
	n := model.MaxTitleBytes
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// seen notes the time of a message that is not imported.
func (c *clock) seen(t time.Time) {
	if !t.IsZero() {
		c.prev = t
	}
}

// clock assigns times to a conversation's turns: a message's own time, or
// the previous turn's plus a millisecond, or the conversation's times.
type clock struct {
	prev     time.Time
	fallback time.Time
}

func (c *clock) at(t time.Time) time.Time {
	switch {
	case !t.IsZero():
	case !c.prev.IsZero():
		t = c.prev.Add(time.Millisecond)
	default:
		t = c.fallback
	}
	if !t.IsZero() {
		c.prev = t
	}
	return t
}
