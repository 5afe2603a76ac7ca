package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/wxkit/mp/sim"
)

// 卡券 payments in wxsim: a follower pays through a card's 买单 cell
// (POST /sim/api/followers/{user}/cards/paycell, "paycell" subcommand,
// user_pay_from_pay_cell) and the merchant's 券点 balance changes
// (GET and POST /sim/api/cards/coins, "coins" subcommand, card_pay_order).

func init() {
	extraAPI = append(extraAPI, func(a *app, mux *http.ServeMux) {
		mux.HandleFunc("POST /sim/api/followers/{user}/cards/paycell", a.handlePayCell)
		mux.HandleFunc("GET /sim/api/cards/coins", a.handleCoins)
		mux.HandleFunc("POST /sim/api/cards/coins", a.handleCoinOrder)
	})
	commands["paycell"] = command{
		summary: "paycell --user NAME --code CODE --fee FEN [--original-fee FEN]: pay through a card's 买单 cell (user_pay_from_pay_cell)",
		setup:   payCellSetup,
		run:     cmdPayCell,
	}
	needsUser["paycell"] = true
	commands["coins"] = command{
		summary: "coins [--type ORDER_TYPE_SYS_ADD|ORDER_TYPE_WXPAY|ORDER_TYPE_REFUND|ORDER_TYPE_REDUCE|ORDER_TYPE_SYS_REDUCE --free N --paid N [--memo M]]: the merchant's 券点 balance, or change it (card_pay_order)",
		setup:   coinsSetup,
		run:     cmdCoins,
	}
}

// payCellRequest is the body of POST /sim/api/followers/{user}/cards/paycell.
type payCellRequest struct {
	Code        string `json:"code"`
	Fee         int    `json:"fee"`                    // fen actually paid
	OriginalFee int    `json:"original_fee,omitempty"` // fen before the card's discount; default fee
}

// payCellResponse answers a 买单.
type payCellResponse struct {
	TransID    string          `json:"trans_id"`
	Pushed     bool            `json:"pushed"`
	Reply      *replyJSON      `json:"reply"`
	ReplyError *replyErrorJSON `json:"reply_error,omitempty"`
	Warning    string          `json:"warning,omitempty"`
}

// handlePayCell serves POST /sim/api/followers/{user}/cards/paycell.
func (a *app) handlePayCell(w http.ResponseWriter, r *http.Request) {
	var req payCellRequest
	f := a.follower(w, r)
	if f == nil || !decodeBody(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Code) == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "code is required")
		return
	}
	if req.OriginalFee == 0 {
		req.OriginalFee = req.Fee
	}
	trans, reply, err := f.PayFromPayCell(r.Context(), req.Code, req.Fee, req.OriginalFee)
	done, pushed, warning, re := pushOutcome(err)
	if !done || err != nil && trans == "" { // refused, or failed before it was made
		writeCardError(w, err)
		return
	}
	resp := payCellResponse{TransID: trans, Pushed: pushed, Reply: replyToJSON(reply), Warning: warning}
	if re != nil {
		resp.ReplyError = &replyErrorJSON{Reason: re.Reason, StatusCode: re.StatusCode, Timeout: re.Timeout, Body: string(re.Body)}
	}
	writeJSON(w, http.StatusOK, resp)
}

// coinsJSON is the merchant's 券点 balance.
type coinsJSON struct {
	Free int `json:"free_coins"`
	Paid int `json:"pay_coins"`
}

// coinOrderRequest is the body of POST /sim/api/cards/coins.
type coinOrderRequest struct {
	OrderType string `json:"order_type"`
	Free      int    `json:"free_coins"`
	Paid      int    `json:"pay_coins"`
	Memo      string `json:"memo,omitempty"`
}

// coinOrderResponse answers a 券点 order: the pushed order and the balance.
type coinOrderResponse struct {
	OrderID string `json:"order_id"`
	Status  string `json:"status"`
	coinsJSON
	Pushed  bool   `json:"pushed"`
	Warning string `json:"warning,omitempty"`
}

func (a *app) handleCoins(w http.ResponseWriter, r *http.Request) {
	free, paid := a.sim(r).CardCoins()
	writeJSON(w, http.StatusOK, coinsJSON{Free: free, Paid: paid})
}

// handleCoinOrder serves POST /sim/api/cards/coins: the balance changes and
// card_pay_order is pushed.
func (a *app) handleCoinOrder(w http.ResponseWriter, r *http.Request) {
	var req coinOrderRequest
	if !decodeBody(w, r, &req) {
		return
	}
	res, err := a.sim(r).CardPayOrder(r.Context(), sim.CoinOrder{Type: req.OrderType, FreeCoins: req.Free, PayCoins: req.Paid, Memo: req.Memo})
	done, pushed, warning, _ := pushOutcome(err)
	if !done || err != nil && res.OrderID == "" {
		writeCardError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, coinOrderResponse{OrderID: res.OrderID, Status: res.Status,
		coinsJSON: coinsJSON{Free: res.FreeCoins, Paid: res.PayCoins}, Pushed: pushed, Warning: warning})
}

type payCellOpts struct {
	code          string
	fee, original int
}

type coinFlags struct {
	orderType, memo string
	free, paid      int
}

var (
	payCellFlagSets sync.Map // *cmdOptions -> *payCellOpts
	coinFlagSets    sync.Map // *cmdOptions -> *coinFlags
)

func payCellSetup(fs *flag.FlagSet, o *cmdOptions) {
	pf := &payCellOpts{}
	payCellFlagSets.Store(o, pf)
	userFlag(fs, o)
	fs.StringVar(&pf.code, "code", "", "the card code in the follower's wallet")
	fs.IntVar(&pf.fee, "fee", 0, "the amount paid, in fen (分)")
	fs.IntVar(&pf.original, "original-fee", 0, "the amount before the card's discount, in fen (default --fee)")
}

func cmdPayCell(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	v, _ := payCellFlagSets.LoadAndDelete(o)
	pf, _ := v.(*payCellOpts)
	if pf == nil {
		pf = &payCellOpts{}
	}
	if len(args) != 0 {
		return usagef("paycell takes no arguments, only flags")
	}
	if pf.code == "" || pf.fee <= 0 {
		return usagef("--code and a positive --fee are required")
	}
	var resp payCellResponse
	if err := c.do(ctx, http.MethodPost, userPath(o.User)+"/cards/paycell",
		payCellRequest{Code: pf.code, Fee: pf.fee, OriginalFee: pf.original}, &resp); err != nil {
		return err
	}
	if o.JSON {
		return printJSON(w, resp)
	}
	if resp.Warning != "" {
		fmt.Fprintf(w, "warning: %s\n", resp.Warning)
	}
	fmt.Fprintf(w, "paid ¥%d.%02d through the card's 买单 cell, transaction %s\n", pf.fee/100, pf.fee%100, resp.TransID)
	if resp.Pushed && resp.ReplyError == nil {
		printReply(w, resp.Reply)
	}
	return nil
}

func coinsSetup(fs *flag.FlagSet, o *cmdOptions) {
	cf := &coinFlags{}
	coinFlagSets.Store(o, cf)
	fs.StringVar(&cf.orderType, "type", "", "change the balance: the order type (ORDER_TYPE_SYS_ADD 平台赠送, ORDER_TYPE_WXPAY 充值, ORDER_TYPE_REFUND 回退, ORDER_TYPE_REDUCE 兑换库存, ORDER_TYPE_SYS_REDUCE 平台扣减)")
	fs.IntVar(&cf.free, "free", 0, "with --type: free coins (免费券点) moved")
	fs.IntVar(&cf.paid, "paid", 0, "with --type: paid coins (付费券点) moved")
	fs.StringVar(&cf.memo, "memo", "", "with --type: the system's note (default per type)")
}

func cmdCoins(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	v, _ := coinFlagSets.LoadAndDelete(o)
	cf, _ := v.(*coinFlags)
	if cf == nil {
		cf = &coinFlags{}
	}
	if len(args) != 0 {
		return usagef("coins takes no arguments, only flags")
	}
	if cf.orderType == "" {
		var bal coinsJSON
		if err := c.do(ctx, http.MethodGet, "/sim/api/cards/coins", nil, &bal); err != nil {
			return err
		}
		if o.JSON {
			return printJSON(w, bal)
		}
		_, err := fmt.Fprintf(w, "券点: %d free, %d paid\n", bal.Free, bal.Paid)
		return err
	}
	var resp coinOrderResponse
	if err := c.do(ctx, http.MethodPost, "/sim/api/cards/coins",
		coinOrderRequest{OrderType: cf.orderType, Free: cf.free, Paid: cf.paid, Memo: cf.memo}, &resp); err != nil {
		return err
	}
	if o.JSON {
		return printJSON(w, resp)
	}
	if resp.Warning != "" {
		fmt.Fprintf(w, "warning: %s\n", resp.Warning)
	}
	_, err := fmt.Fprintf(w, "order %s %s; 券点: %d free, %d paid\n", resp.OrderID, resp.Status, resp.Free, resp.Paid)
	return err
}
