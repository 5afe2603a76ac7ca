package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/wxkit/mp/sim/paysim"
)

// WeChat Pay, part two, as the simulated follower sees it: transfers that
// wait for the user's confirmation (商家转账 用户确认收款) and complaints
// about a paid order (消费者投诉).

func init() {
	extraAPI = append(extraAPI, func(a *app, mux *http.ServeMux) {
		mux.HandleFunc("GET /sim/api/pay/transfers", a.handlePendingTransfers)
		mux.HandleFunc("POST /sim/api/pay/transfers/confirm", a.handleConfirmTransfer)
		mux.HandleFunc("POST /sim/api/pay/complaints", a.handleComplain)
	})
	commands["transfer"] = command{
		summary: "transfer --user NAME [confirm|decline] [OUT_BILL_NO]: list, confirm or decline transfers waiting for the user",
		setup:   userFlag,
		run:     cmdTransfer,
	}
	needsUser["transfer"] = true
	commands["complain"] = command{
		summary: "complain --user NAME --out-trade-no NO [--image] TEXT: file a complaint about a paid order",
		setup: func(fs *flag.FlagSet, o *cmdOptions) {
			userFlag(fs, o)
			fs.StringVar(&o.OutTradeNo, "out-trade-no", "", "the merchant's order number (商户订单号) or its transaction_id")
			fs.BoolVar(&o.Image, "image", false, "attach a picture to the complaint")
		},
		run: cmdComplain,
	}
	needsUser["complain"] = true
}

// payError writes an error of the pay simulator.
func payError(w http.ResponseWriter, err error) {
	var pe *paysim.APIError
	if errors.As(err, &pe) {
		status := pe.Status
		if status < 400 {
			status = http.StatusBadRequest
		}
		writeError(w, status, pe.Code, pe.Message)
		return
	}
	writeError(w, http.StatusInternalServerError, "internal", err.Error())
}

func (a *app) payOpenID(w http.ResponseWriter, r *http.Request, user string) (string, bool) {
	if a.pay == nil {
		writeError(w, http.StatusNotImplemented, "no_pay", "WeChat Pay is not simulated (wxsim was started with --pay=false)")
		return "", false
	}
	if user == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "user is required")
		return "", false
	}
	if f := a.lookup(r, user); f != nil {
		return f.OpenID(), true
	}
	return user, true // an openid the chat does not know, e.g. a JSAPI payer
}

// handlePendingTransfers serves GET /sim/api/pay/transfers?user=: the
// transfers waiting for that user's confirmation.
func (a *app) handlePendingTransfers(w http.ResponseWriter, r *http.Request) {
	openid, ok := a.payOpenID(w, r, r.URL.Query().Get("user"))
	if !ok {
		return
	}
	list := a.pay.PendingTransfers(a.mchid, openid)
	if list == nil {
		list = []paysim.TransferBill{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": list})
}

type confirmTransferRequest struct {
	User      string `json:"user"`
	OutBillNo string `json:"out_bill_no"`
	Action    string `json:"action"` // confirm or decline
}

// handleConfirmTransfer serves POST /sim/api/pay/transfers/confirm: the user
// confirms (收款) or declines a transfer; MCHTRANSFER.BILL.FINISHED follows.
func (a *app) handleConfirmTransfer(w http.ResponseWriter, r *http.Request) {
	var req confirmTransferRequest
	if !decodeBody(w, r, &req) {
		return
	}
	openid, ok := a.payOpenID(w, r, req.User)
	if !ok {
		return
	}
	if req.Action != "confirm" && req.Action != "decline" {
		writeError(w, http.StatusBadRequest, "bad_request", "action must be confirm or decline")
		return
	}
	t, err := a.pay.ConfirmTransfer(r.Context(), a.mchid, req.OutBillNo, openid, req.Action == "confirm")
	if err != nil {
		payError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

type complainRequest struct {
	User       string `json:"user"`
	OutTradeNo string `json:"out_trade_no"`
	Detail     string `json:"detail"`
	Phone      string `json:"phone"`
	Image      bool   `json:"image"`
}

// handleComplain serves POST /sim/api/pay/complaints: the user files a
// complaint about one of their paid orders; COMPLAINT.CREATE follows.
func (a *app) handleComplain(w http.ResponseWriter, r *http.Request) {
	var req complainRequest
	if !decodeBody(w, r, &req) {
		return
	}
	openid, ok := a.payOpenID(w, r, req.User)
	if !ok {
		return
	}
	if req.OutTradeNo == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "out_trade_no is required")
		return
	}
	c, err := a.pay.FileComplaint(r.Context(), a.mchid, req.OutTradeNo, openid, req.Detail, req.Phone, req.Image)
	if err != nil {
		payError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func cmdTransfer(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	if len(args) == 0 {
		var out struct {
			Data []paysim.TransferBill `json:"data"`
		}
		if err := c.do(ctx, http.MethodGet, "/sim/api/pay/transfers?user="+url.QueryEscape(o.User), nil, &out); err != nil {
			return err
		}
		if len(out.Data) == 0 {
			fmt.Fprintln(w, "no transfer waits for confirmation")
		}
		for _, t := range out.Data {
			fmt.Fprintf(w, "%s  %s 元  %s\n", t.OutBillNo, yuanText(t.TransferAmount), t.TransferRemark)
		}
		return nil
	}
	action := args[0]
	if action != "confirm" && action != "decline" {
		return usagef("want confirm or decline, got %q", action)
	}
	if len(args) != 2 {
		return usagef("want %s OUT_BILL_NO", action)
	}
	var t paysim.TransferBill
	if err := c.do(ctx, http.MethodPost, "/sim/api/pay/transfers/confirm", confirmTransferRequest{User: o.User, OutBillNo: args[1], Action: action}, &t); err != nil {
		return err
	}
	fmt.Fprintf(w, "transfer %s: %s\n", t.OutBillNo, t.State)
	return nil
}

func cmdComplain(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	if o.OutTradeNo == "" {
		return usagef("--out-trade-no is required")
	}
	text := strings.TrimSpace(strings.Join(args, " "))
	if text == "" {
		return usagef("want the complaint's text")
	}
	var cpl paysim.Complaint
	if err := c.do(ctx, http.MethodPost, "/sim/api/pay/complaints", complainRequest{User: o.User, OutTradeNo: o.OutTradeNo, Detail: text, Image: o.Image}, &cpl); err != nil {
		return err
	}
	fmt.Fprintf(w, "complaint %s filed about %s (%s)\n", cpl.ComplaintID, o.OutTradeNo, cpl.ComplaintState)
	return nil
}

func yuanText(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }
