package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/wxkit/mp/sim"
)

// 一次性订阅消息 from the command line and the control API: a follower
// answers a subscription link (the one the bot sent or the developer
// built), as they would on the page /mp/subscribemsg.
func init() {
	extraAPI = append(extraAPI, func(a *app, mux *http.ServeMux) {
		mux.HandleFunc("POST /sim/api/followers/{user}/subscribe-once", a.handleSubscribeOnce)
	})
	commands["subscribe-once"] = command{
		summary: "subscribe-once --user NAME LINK [cancel]: answer a one-time subscription link (一次性订阅消息) and print where WeChat redirects",
		setup:   userFlag,
		run:     cmdSubscribeOnce,
	}
	needsUser["subscribe-once"] = true
}

type subscribeOnceRequest struct {
	Link   string `json:"link"`
	Cancel bool   `json:"cancel,omitempty"`
}

type subscribeOnceAnswer struct {
	Redirect string `json:"redirect"`
}

// handleSubscribeOnce serves POST /sim/api/followers/{user}/subscribe-once
// {"link": "...", "cancel": false}: the follower confirms (or cancels) and
// the answer is the redirect_url WeChat sends the browser to.
func (a *app) handleSubscribeOnce(w http.ResponseWriter, r *http.Request) {
	var req subscribeOnceRequest
	if !decodeBody(w, r, &req) {
		return
	}
	f := a.follower(w, r)
	if f == nil {
		return
	}
	redirect, err := a.sim(r).SubscribeOnce(f, req.Link, !req.Cancel)
	var aerr *sim.AuthorizeError
	switch {
	case errors.As(err, &aerr):
		writeError(w, http.StatusBadRequest, "bad_link", aerr.Reason)
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, subscribeOnceAnswer{Redirect: redirect})
}

func cmdSubscribeOnce(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	req := subscribeOnceRequest{}
	switch {
	case len(args) == 1:
	case len(args) == 2 && (args[1] == "cancel" || args[1] == "confirm"):
		req.Cancel = args[1] == "cancel"
	default:
		return usagef("want a subscription link, then optionally confirm or cancel")
	}
	req.Link = args[0]
	var out subscribeOnceAnswer
	if err := c.do(ctx, "POST", userPath(o.User)+"/subscribe-once", req, &out); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, out.Redirect)
	return err
}
