package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/wxkit/mp/sim"
)

// 微信卡券 in wxsim: the control API of the followers' card wallets
// (GET /sim/api/cards, GET and POST /sim/api/followers/{user}/cards…) and
// the "card" subcommand.

func init() {
	extraAPI = append(extraAPI, func(a *app, mux *http.ServeMux) {
		mux.HandleFunc("GET /sim/api/cards", a.handleCards)
		mux.HandleFunc("GET /sim/api/followers/{user}/cards", a.handleWallet)
		mux.HandleFunc("POST /sim/api/followers/{user}/cards/{action}", a.handleCardAction)
	})
	commands["card"] = command{
		summary: "card claim|wallet|activate|view|gift|delete|list --user NAME [--ticket T | --card ID] [--code C] [--to NAME]: the card wallet (卡包)",
		setup:   cardSetup,
		run:     cmdCard,
	}
}

// cardJSON is a card of the account.
type cardJSON struct {
	CardID   string `json:"card_id"`
	Kind     string `json:"card_type"`
	Title    string `json:"title"`
	Brand    string `json:"brand_name"`
	Status   string `json:"status"`
	Quantity int    `json:"quantity"`
}

// walletCardJSON is one card in a follower's wallet.
type walletCardJSON struct {
	Code             string `json:"code"`
	CardID           string `json:"card_id"`
	Kind             string `json:"card_type"`
	Title            string `json:"title"`
	Brand            string `json:"brand_name"`
	Color            string `json:"color"`
	Status           string `json:"status"`
	OuterStr         string `json:"outer_str,omitempty"`
	EncryptCode      string `json:"encrypt_code"`
	Activated        bool   `json:"activated"`
	MembershipNumber string `json:"membership_number,omitempty"`
	Bonus            int    `json:"bonus"`
	Balance          int    `json:"balance"`
	PayCell          bool   `json:"pay_cell"` // the card shows a 买单 button: cardpay.go
}

func (a *app) handleCards(w http.ResponseWriter, r *http.Request) {
	out := []cardJSON{}
	for _, c := range a.sim(r).Cards() {
		out = append(out, cardJSON{CardID: c.CardID, Kind: c.Kind, Title: c.Title, Brand: c.Brand, Status: c.Status, Quantity: c.Quantity})
	}
	writeJSON(w, http.StatusOK, out)
}

func walletJSON(f *sim.Follower) []walletCardJSON {
	out := []walletCardJSON{}
	for _, c := range f.Wallet() {
		out = append(out, walletCardJSON{Code: c.Code, CardID: c.CardID, Kind: c.Kind, Title: c.Title, Brand: c.BrandName,
			Color: c.Color, Status: c.Status, OuterStr: c.OuterStr, EncryptCode: c.EncryptCode, Activated: c.Activated,
			MembershipNumber: c.MembershipNumber, Bonus: c.Bonus, Balance: c.Balance, PayCell: c.PayCell})
	}
	return out
}

// handleWallet serves GET /sim/api/followers/{user}/cards: the wallet.
func (a *app) handleWallet(w http.ResponseWriter, r *http.Request) {
	if f := a.follower(w, r); f != nil {
		writeJSON(w, http.StatusOK, walletJSON(f))
	}
}

// cardActionRequest is the body of POST /sim/api/followers/{user}/cards/{action}.
type cardActionRequest struct {
	Ticket   string            `json:"ticket"`    // claim: a card QR code
	CardID   string            `json:"card_id"`   // claim: from a page (addCard)
	OuterStr string            `json:"outer_str"` // claim from a page
	Code     string            `json:"code"`      // view, enter, gift, delete, activate
	To       string            `json:"to"`        // gift: the friend
	Fields   map[string]string `json:"fields"`    // activate: the form
}

// cardActionResponse answers a card action: the wallet afterwards.
type cardActionResponse struct {
	Codes   []string         `json:"codes,omitempty"`
	Ticket  string           `json:"activate_ticket,omitempty"`
	Pushed  bool             `json:"pushed"`
	Warning string           `json:"warning,omitempty"`
	Wallet  []walletCardJSON `json:"wallet"`
}

var cardActionNames = "claim, view, enter, gift, delete, activate"

func (a *app) handleCardAction(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	var req cardActionRequest
	f := a.follower(w, r)
	if f == nil || !decodeBody(w, r, &req) {
		return
	}
	ctx := r.Context()
	var resp cardActionResponse
	var err error
	needCode := func() bool {
		if strings.TrimSpace(req.Code) == "" {
			writeError(w, http.StatusBadRequest, "bad_request", "code is required")
			return false
		}
		return true
	}
	switch action {
	case "claim":
		switch {
		case req.Ticket != "" && req.CardID == "":
			resp.Codes, err = f.ClaimCardByQR(ctx, strings.TrimSpace(req.Ticket))
		case req.CardID != "" && req.Ticket == "":
			var code string
			code, _, err = f.ClaimCard(ctx, strings.TrimSpace(req.CardID), req.OuterStr)
			if code != "" {
				resp.Codes = []string{code}
			}
		default:
			writeError(w, http.StatusBadRequest, "bad_request", "exactly one of ticket (a card QR code) and card_id is required")
			return
		}
	case "view", "enter", "delete":
		if !needCode() {
			return
		}
		switch action {
		case "view":
			_, err = f.ViewCard(ctx, req.Code)
		case "enter":
			_, err = f.EnterSessionFromCard(ctx, req.Code)
		default:
			_, err = f.DeleteCard(ctx, req.Code)
		}
	case "gift":
		if !needCode() {
			return
		}
		to := a.lookup(r, req.To)
		if to == nil {
			writeError(w, http.StatusNotFound, "unknown_user", fmt.Sprintf("no simulated user %q to give the card to", req.To))
			return
		}
		var code string
		code, err = f.GiftCard(ctx, req.Code, to)
		if code != "" {
			resp.Codes = []string{code}
		}
	case "activate":
		if !needCode() {
			return
		}
		resp.Ticket, err = f.SubmitMemberCardForm(ctx, req.Code, req.Fields)
	default:
		writeError(w, http.StatusNotFound, "unknown_action", fmt.Sprintf("unknown card action %q (want one of %s)", action, cardActionNames))
		return
	}
	done, pushed, warning, _ := pushOutcome(err)
	if !done {
		writeCardError(w, err)
		return
	}
	resp.Pushed, resp.Warning = pushed, warning
	resp.Wallet = walletJSON(f)
	writeJSON(w, http.StatusOK, resp)
}

// pushOutcome sorts the error of a card action that pushes an event to the
// bot. done is false when the action itself was refused (the caller answers
// err); otherwise it happened, pushed says whether the push went out, and
// warning (with re for a rejected answer) what went wrong with it.
func pushOutcome(err error) (done, pushed bool, warning string, re *sim.ReplyError) {
	switch {
	case err == nil:
		return true, true, "", nil
	case errors.Is(err, sim.ErrNoCallbackURL):
		return true, false, "no callback URL is set, nothing was pushed", nil
	case errors.As(err, &re):
		return true, true, "the bot's answer was rejected: " + re.Reason, re
	}
	return false, false, "", nil
}

// writeCardError answers a refused card action.
func writeCardError(w http.ResponseWriter, err error) {
	status, code := cardErrorStatus(err)
	writeError(w, status, code, strings.TrimPrefix(err.Error(), "sim: "))
}

func cardErrorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, sim.ErrUnknownCard):
		return http.StatusNotFound, "unknown_card"
	case errors.Is(err, sim.ErrUnknownCardCode):
		return http.StatusNotFound, "unknown_code"
	case errors.Is(err, sim.ErrCardInReview):
		return http.StatusConflict, "card_in_review"
	case errors.Is(err, sim.ErrCardOutOfStock):
		return http.StatusConflict, "out_of_stock"
	case errors.Is(err, sim.ErrCardGetLimit):
		return http.StatusConflict, "get_limit"
	case errors.Is(err, sim.ErrPayCellClosed):
		return http.StatusConflict, "paycell_closed"
	case errors.Is(err, sim.ErrNotEnoughCoins):
		return http.StatusConflict, "not_enough_coins"
	}
	return actionErrorStatus(err)
}

// cardFlags are the card subcommand's own flags, per invocation.
type cardFlags struct{ ticket, card, code, to, outer, mobile string }

var cardFlagSets sync.Map // *cmdOptions -> *cardFlags

func cardSetup(fs *flag.FlagSet, o *cmdOptions) {
	cf := &cardFlags{}
	cardFlagSets.Store(o, cf)
	userFlag(fs, o)
	fs.StringVar(&cf.ticket, "ticket", "", "claim: the ticket of a card QR code (card/qrcode/create)")
	fs.StringVar(&cf.card, "card", "", "claim: a card_id, claimed as from a page (wx.addCard)")
	fs.StringVar(&cf.outer, "outer-str", "", "claim --card: the channel (outer_str)")
	fs.StringVar(&cf.code, "code", "", "the card code in the wallet (view, gift, delete, activate)")
	fs.StringVar(&cf.to, "to", "", "gift: the friend's name or openid")
	fs.StringVar(&cf.mobile, "mobile", "13800000000", "activate: the mobile number filled in the form")
}

func cmdCard(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	v, _ := cardFlagSets.LoadAndDelete(o)
	cf, _ := v.(*cardFlags)
	if cf == nil {
		cf = &cardFlags{}
	}
	if len(args) != 1 {
		return usagef("want one action: claim, wallet, activate, view, gift, delete or list")
	}
	if args[0] == "list" {
		var cards []cardJSON
		if err := c.do(ctx, http.MethodGet, "/sim/api/cards", nil, &cards); err != nil {
			return err
		}
		if o.JSON {
			return printJSON(w, cards)
		}
		for _, k := range cards {
			fmt.Fprintf(w, "%s  %-14s %-24s stock %d\n", k.CardID, k.Kind, k.Title, k.Quantity)
		}
		return nil
	}
	if o.User == "" {
		return usagef("--user is required")
	}
	var wallet []walletCardJSON
	var resp cardActionResponse
	var err error
	switch args[0] {
	case "wallet":
		err = c.do(ctx, http.MethodGet, userPath(o.User)+"/cards", nil, &wallet)
	case "claim":
		err = c.do(ctx, http.MethodPost, userPath(o.User)+"/cards/claim", cardActionRequest{Ticket: cf.ticket, CardID: cf.card, OuterStr: cf.outer}, &resp)
	case "activate":
		err = c.do(ctx, http.MethodPost, userPath(o.User)+"/cards/activate",
			cardActionRequest{Code: cf.code, Fields: map[string]string{"USER_FORM_INFO_FLAG_MOBILE": cf.mobile}}, &resp)
	case "view", "gift", "delete":
		err = c.do(ctx, http.MethodPost, userPath(o.User)+"/cards/"+args[0], cardActionRequest{Code: cf.code, To: cf.to}, &resp)
	default:
		return usagef("unknown card action %q", args[0])
	}
	if err != nil {
		return err
	}
	if args[0] != "wallet" {
		wallet = resp.Wallet
		if resp.Warning != "" {
			fmt.Fprintf(w, "warning: %s\n", resp.Warning)
		}
	}
	if o.JSON {
		if args[0] == "wallet" {
			return printJSON(w, wallet)
		}
		return printJSON(w, resp)
	}
	for _, code := range resp.Codes {
		fmt.Fprintf(w, "claimed code %s\n", code)
	}
	for _, k := range wallet {
		line := fmt.Sprintf("%s  %s %s [%s]", k.Code, k.Brand, k.Title, k.Status)
		if k.Kind == "MEMBER_CARD" {
			if k.Activated {
				line += fmt.Sprintf(" No.%s 积分 %d 余额 ¥%d.%02d", k.MembershipNumber, k.Bonus, k.Balance/100, k.Balance%100)
			} else {
				line += " (not activated)"
			}
		}
		fmt.Fprintln(w, line)
	}
	return nil
}
