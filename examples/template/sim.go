package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/sim"
)

// simTemplate is the content of the template the example adds to the
// simulator: the keywords run fills in.
const simTemplate = "事项:{{thing1.DATA}}\n时间:{{time2.DATA}}"

// runSimulator starts the platform simulator in process, adds a template
// with the example's keywords and a follower, runs the example against it
// and prints what the follower received (模板消息 as the user sees it).
func runSimulator(ctx context.Context, out io.Writer) error {
	s, err := sim.Start(sim.Options{})
	if err != nil {
		return fmt.Errorf("starting the simulator: %w", err)
	}
	defer s.Close()
	templateID := s.AddTemplate("wxkit/mp 示例通知", simTemplate)

	// A user who follows the account. Nobody serves callbacks here, so the
	// subscribe push is skipped; the follow itself takes place.
	alice := s.NewUser("Alice")
	if _, err := alice.Follow(ctx); err != nil && !errors.Is(err, sim.ErrNoCallbackURL) {
		return fmt.Errorf("following the account: %w", err)
	}

	acct := s.Account()
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	if err != nil {
		return err
	}
	if err := run(ctx, client, templateID, alice.OpenID(), out); err != nil {
		return err
	}
	d, err := alice.WaitFor(ctx, func(d sim.Delivery) bool { return d.Kind == sim.DeliveryTemplate })
	if err != nil {
		return fmt.Errorf("waiting for the follower to receive it: %w", err)
	}
	fmt.Fprintf(out, "%s (%s) received template message %s (msgid %d):\n", alice.Name(), alice.OpenID(), d.TemplateID, d.MsgID)
	for _, line := range strings.Split(d.Content, "\n") {
		fmt.Fprintf(out, "  %s\n", line)
	}
	if d.URL != "" {
		fmt.Fprintf(out, "  (opens %s)\n", d.URL)
	}
	return nil
}
