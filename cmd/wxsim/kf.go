package main

import (
	"errors"
	"net/http"

	"github.com/wxkit/mp/sim"
)

// Control-API endpoints of 订阅通知 and 客服 that need a person's gesture:
//
//	POST /sim/api/followers/{user}/subscribe_msg {"accept":["priTmplId"],"reject":["priTmplId"]}
//	    the follower answers a subscription popup (subscribe_msg_popup_event)
//	POST /sim/api/followers/{user}/subscribe_msg_refuse {"template_ids":["priTmplId"]}
//	    the follower refuses templates in the settings (subscribe_msg_change_event)
//	POST /sim/api/kf/invite_accept {"kf_account":"a@gh"}     the invitee binds the account
//	POST /sim/api/kf/accept {"kf_account":"a@gh","user":"Alice"}  a worker takes a waiting follower
//	POST /sim/api/kf/switch {"kf_account":"b@gh","user":"Alice"}  the session moves (kf_switch_session)
func init() {
	extraAPI = append(extraAPI, func(a *app, mux *http.ServeMux) {
		mux.HandleFunc("POST /sim/api/followers/{user}/subscribe_msg", a.handleSubscribePopup)
		mux.HandleFunc("POST /sim/api/followers/{user}/subscribe_msg_refuse", a.handleSubscribeRefuse)
		mux.HandleFunc("POST /sim/api/kf/invite_accept", a.handleKf)
		mux.HandleFunc("POST /sim/api/kf/accept", a.handleKf)
		mux.HandleFunc("POST /sim/api/kf/switch", a.handleKf)
	})
}

func (a *app) handleSubscribePopup(w http.ResponseWriter, r *http.Request) {
	f := a.follower(w, r)
	if f == nil {
		return
	}
	var req struct {
		Accept []string `json:"accept"`
		Reject []string `json:"reject"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	var choices []sim.SubscribeChoice
	for _, id := range req.Accept {
		choices = append(choices, sim.SubscribeChoice{TemplateID: id, Accept: true})
	}
	for _, id := range req.Reject {
		choices = append(choices, sim.SubscribeChoice{TemplateID: id})
	}
	reply, err := f.AnswerSubscribePopup(r.Context(), choices...)
	a.answerGesture(w, f, reply, err)
}

func (a *app) handleSubscribeRefuse(w http.ResponseWriter, r *http.Request) {
	f := a.follower(w, r)
	if f == nil {
		return
	}
	var req struct {
		TemplateIDs []string `json:"template_ids"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	reply, err := f.RefuseSubscribeMsg(r.Context(), req.TemplateIDs...)
	a.answerGesture(w, f, reply, err)
}

// answerGesture answers a follower gesture like the other actions: the
// follower, and whether the push reached the bot.
func (a *app) answerGesture(w http.ResponseWriter, f *sim.Follower, reply *sim.Reply, err error) {
	resp := actionResponse{followerJSON: describe(f), Pushed: true, Reply: replyToJSON(reply)}
	var re *sim.ReplyError
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, resp)
	case errors.Is(err, sim.ErrNoCallbackURL), errors.Is(err, sim.ErrURLVerification):
		resp.Pushed, resp.Warning = false, err.Error()
		writeJSON(w, http.StatusOK, resp)
	case errors.As(err, &re):
		resp.ReplyError = &replyErrorJSON{Reason: re.Reason, StatusCode: re.StatusCode, Timeout: re.Timeout, Body: string(re.Body)}
		writeJSON(w, http.StatusBadGateway, resp)
	default:
		status, code := actionErrorStatus(err)
		writeError(w, status, code, err.Error())
	}
}

func (a *app) handleKf(w http.ResponseWriter, r *http.Request) {
	var req struct {
		KfAccount string `json:"kf_account"`
		User      string `json:"user"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	if req.KfAccount == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "kf_account is required")
		return
	}
	var err error
	if r.URL.Path == "/sim/api/kf/invite_accept" {
		err = a.sim(r).AcceptKfInvite(req.KfAccount)
	} else {
		f := a.lookup(r, req.User)
		if f == nil {
			writeError(w, http.StatusNotFound, "unknown_user", "no simulated user "+req.User)
			return
		}
		if r.URL.Path == "/sim/api/kf/accept" {
			err = a.sim(r).KfAccept(req.KfAccount, f.OpenID())
		} else {
			err = a.sim(r).KfSwitch(f.OpenID(), req.KfAccount)
		}
	}
	if err != nil {
		writeError(w, http.StatusConflict, "kf", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}
