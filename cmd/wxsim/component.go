package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/wxkit/mp/sim"
)

// The operator of the simulated third-party platform (第三方平台): the
// account's administrator authorizing or revoking the platform, and WeChat
// pushing a component_verify_ticket, from the command line and the control
// API. While the account is authorized, follower messages go to the
// platform's message URL (sim.ComponentOptions.MessageURL).
func init() {
	extraAPI = append(extraAPI, func(a *app, mux *http.ServeMux) {
		mux.HandleFunc("POST /sim/api/component/{action}", a.handleComponent)
	})
	commands["component"] = command{
		summary: "component configure CALLBACK_URL [MESSAGE_URL] | authorize [PRE_AUTH_CODE] | revoke | ticket: play the operator of the third-party platform (第三方平台): set its 授权事件接收URL and 消息与事件接收URL ($APPID$ = the account; resets it), authorize it (a fresh pre_auth_code when none is given), revoke it, or push a component_verify_ticket",
		setup:   func(*flag.FlagSet, *cmdOptions) {},
		run:     cmdComponent,
	}
}

type componentRequest struct {
	PreAuthCode string `json:"pre_auth_code,omitempty"`
	// configure: the platform's 授权事件接收URL and 消息与事件接收URL.
	CallbackURL string `json:"callback_url,omitempty"`
	MessageURL  string `json:"message_url,omitempty"`
}

type componentAnswer struct {
	AuthCode string `json:"auth_code,omitempty"`
}

// handleComponent serves POST /sim/api/component/{authorize,revoke,ticket}.
// authorize takes {"pre_auth_code": "..."} (optional: a fresh one is issued)
// and answers {"auth_code": "..."}; a push the platform refused is 502
// push_failed (the authorization or revocation itself is done).
func (a *app) handleComponent(w http.ResponseWriter, r *http.Request) {
	var req componentRequest
	if r.ContentLength != 0 && !decodeBody(w, r, &req) {
		return
	}
	var (
		out componentAnswer
		err error
	)
	switch r.PathValue("action") {
	case "authorize":
		code := req.PreAuthCode
		if code == "" {
			code = a.sim(r).NewPreAuthCode()
		}
		out.AuthCode, err = a.sim(r).AuthorizeComponent(r.Context(), code)
		if out.AuthCode == "" && err != nil {
			writeError(w, http.StatusBadRequest, "bad_pre_auth_code", err.Error())
			return
		}
	case "configure":
		for _, u := range []string{req.CallbackURL, req.MessageURL} {
			if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				writeError(w, http.StatusBadRequest, "bad_url", "not an http(s) URL: "+u)
				return
			}
		}
		// The default credentials, with the platform's state reset.
		if err := a.sim(r).ConfigureComponent(sim.ComponentOptions{CallbackURL: req.CallbackURL, MessageURL: req.MessageURL}); err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
	case "revoke":
		err = a.sim(r).RevokeComponent(r.Context())
	case "ticket":
		err = a.sim(r).PushComponentTicket(r.Context())
	default:
		writeError(w, http.StatusNotFound, "not_found", "unknown component action "+r.PathValue("action")+" (configure, authorize, revoke, ticket)")
		return
	}
	if err != nil {
		writeError(w, http.StatusBadGateway, "push_failed", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func cmdComponent(ctx context.Context, c *apiClient, _ *cmdOptions, args []string, w io.Writer) error {
	if len(args) == 0 {
		return usagef("want configure CALLBACK_URL [MESSAGE_URL], authorize [PRE_AUTH_CODE], revoke or ticket")
	}
	var req componentRequest
	switch {
	case args[0] == "configure" && (len(args) == 2 || len(args) == 3):
		req.CallbackURL = args[1]
		if len(args) == 3 {
			req.MessageURL = args[2]
		}
	case args[0] == "authorize" && len(args) <= 2:
		if len(args) == 2 {
			req.PreAuthCode = args[1]
		}
	case (args[0] == "revoke" || args[0] == "ticket") && len(args) == 1:
	default:
		return usagef("want configure CALLBACK_URL [MESSAGE_URL], authorize [PRE_AUTH_CODE], revoke or ticket, not %q", strings.Join(args, " "))
	}
	var out componentAnswer
	if err := c.do(ctx, "POST", "/sim/api/component/"+args[0], req, &out); err != nil {
		return err
	}
	var err error
	switch args[0] {
	case "authorize":
		_, err = fmt.Fprintln(w, "authorized; auth_code:", out.AuthCode)
	case "configure":
		_, err = fmt.Fprintln(w, "platform configured")
	case "revoke":
		_, err = fmt.Fprintln(w, "authorization revoked")
	default:
		_, err = fmt.Fprintln(w, "component_verify_ticket pushed")
	}
	return err
}
