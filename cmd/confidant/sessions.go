package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/confidant-dev/confidant/core/engine"
	"github.com/confidant-dev/confidant/host"
)

// pageFlags are the paging flags of sessions and session.
type pageFlags struct{ limit, offset int }

func (p *pageFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&p.limit, "limit", engine.DefaultPageLimit, fmt.Sprintf("items per page (1..%d)", engine.MaxPageLimit))
	fs.IntVar(&p.offset, "offset", 0, "items to skip")
}

func (p *pageFlags) page() engine.Page { return engine.Page{Limit: &p.limit, Offset: p.offset} }

func parseTime(flagName, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, fmt.Errorf("--%s: want RFC 3339 like 2024-05-01T10:00:00Z: %v", flagName, err)
	}
	return t, nil
}

func cmdSessions(ctx context.Context, args []string) error {
	var c common
	var p pageFlags
	fs := newFlags("sessions", "")
	c.register(fs)
	p.register(fs)
	var f engine.SessionFilter
	fs.StringVar(&f.Site, "site", "", "only this site (exact)")
	from := fs.String("from", "", "sessions active at or after this time, RFC 3339")
	to := fs.String("to", "", "sessions active before this time, RFC 3339")
	fs.StringVar(&f.Query, "query", "", "text in the title or a turn (case-insensitive)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	var err error
	if f.From, err = parseTime("from", *from); err != nil {
		return err
	}
	if f.To, err = parseTime("to", *to); err != nil {
		return err
	}
	f.Page = p.page()
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		l, err := cl.Sessions(ctx, f)
		if err != nil || *asJSON {
			return false, orPrint(err, l)
		}
		if len(l.Sessions) == 0 {
			fmt.Printf("no sessions on this page (%d match)\n", l.Total)
			return false, nil
		}
		for _, s := range l.Sessions {
			fmt.Printf("%s  %-10s %-12s %3d turns  %s\n", s.Last.Format("2006-01-02 15:04"), s.Site, s.ID, s.Turns, oneLine(s.Title, 80))
		}
		fmt.Printf("%d–%d of %d\n", p.offset+1, p.offset+len(l.Sessions), l.Total)
		return false, nil
	})
}

func cmdSession(ctx context.Context, args []string) error {
	var c common
	var p pageFlags
	fs := newFlags("session", "ID")
	c.register(fs)
	p.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args, 1); err != nil {
		return err
	}
	return c.withProfile(ctx, func(cl host.Client) (bool, error) {
		d, err := cl.Session(ctx, engine.SessionGet{ID: fs.Arg(0), Page: p.page()})
		if err != nil || *asJSON {
			return false, orPrint(err, d)
		}
		s := d.Session
		fmt.Printf("%s  %s  %s\n%s – %s, %d turns (%d yours)\n", s.ID, s.Site, s.Title,
			s.Start.Format("2006-01-02 15:04"), s.Last.Format("2006-01-02 15:04"), s.Turns, s.UserTurns)
		for _, t := range d.Turns {
			fmt.Printf("  %s %-9s %s\n", t.Time.Format("15:04"), t.Role, oneLine(t.Text, 160))
		}
		return false, nil
	})
}
