package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIPayCellAndCoins(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	id, ticket := e.createCardQR(t)
	var f actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/follow", nil, &f))
	var claim cardActionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/cards/claim", map[string]string{"ticket": ticket}, &claim))
	code := claim.Codes[0]

	var errResp apiError
	assert.Equal(t, http.StatusConflict, e.call(t, "POST", "/sim/api/followers/Alice/cards/paycell", payCellRequest{Code: code, Fee: 1800}, &errResp))
	assert.Equal(t, "paycell_closed", errResp.Code)
	e.platform(t, "/card/paycell/set", `{"card_id":"`+id+`","is_open":true}`)
	var resp payCellResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/cards/paycell", payCellRequest{Code: code, Fee: 1800, OriginalFee: 2000}, &resp))
	assert.NotEmpty(t, resp.TransID)
	assert.True(t, resp.Pushed)
	assert.Nil(t, resp.Reply)
	e.sim.WaitIdle()

	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/followers/Alice/cards/paycell", payCellRequest{Code: "nope", Fee: 1}, &errResp))
	assert.Equal(t, "unknown_code", errResp.Code)
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/followers/Alice/cards/paycell", payCellRequest{Fee: 1}, &errResp))
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/followers/Alice/cards/paycell", payCellRequest{Code: code, Fee: 300, OriginalFee: 200}, &errResp))
	assert.Equal(t, "bad_request", errResp.Code)
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/followers/Nobody/cards/paycell", payCellRequest{Code: code, Fee: 1}, &errResp))
	// The other card actions still route to their handler.
	assert.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Alice/cards/view", map[string]string{"code": code}, &claim))

	var bal coinsJSON
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/cards/coins", nil, &bal))
	assert.Equal(t, coinsJSON{}, bal)
	var order coinOrderResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/cards/coins", coinOrderRequest{OrderType: "ORDER_TYPE_SYS_ADD", Free: 200}, &order))
	assert.NotEmpty(t, order.OrderID)
	assert.Equal(t, "ORDER_STATUS_FINANCE_SUCC", order.Status)
	assert.Equal(t, 200, order.Free)
	assert.True(t, order.Pushed)
	assert.Equal(t, http.StatusConflict, e.call(t, "POST", "/sim/api/cards/coins", coinOrderRequest{OrderType: "ORDER_TYPE_SYS_REDUCE", Free: 201}, &errResp))
	assert.Equal(t, "not_enough_coins", errResp.Code)
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/cards/coins", coinOrderRequest{OrderType: "BOGUS", Free: 1}, &errResp))
	require.Equal(t, http.StatusOK, e.call(t, "GET", "/sim/api/cards/coins", nil, &bal))
	assert.Equal(t, coinsJSON{Free: 200}, bal)
}

func TestCommandsPayCellAndCoins(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	id, ticket := e.createCardQR(t)
	code, _, errs := e.wxsim(t, "follow", "--user", "Alice")
	require.Equal(t, exitOK, code, errs)
	code, _, errs = e.wxsim(t, "card", "claim", "--user", "Alice", "--ticket", ticket)
	require.Equal(t, exitOK, code, errs)
	cardCode := e.sim.Users()[0].Wallet()[0].Code

	code, out, errs := e.wxsim(t, "paycell", "--user", "Alice", "--code", cardCode, "--fee", "1800")
	require.Equal(t, exitFailure, code, out)
	assert.Contains(t, errs, "paycell_closed")
	e.platform(t, "/card/paycell/set", `{"card_id":"`+id+`","is_open":true}`)
	code, out, errs = e.wxsim(t, "paycell", "--user", "Alice", "--code", cardCode, "--fee", "1800", "--original-fee", "2000")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "paid ¥18.00 through the card's 买单 cell, transaction ")
	assert.Contains(t, out, noPassive)
	code, out, errs = e.wxsim(t, "paycell", "--user", "Alice", "--code", cardCode, "--fee", "100", "--json")
	require.Equal(t, exitOK, code, errs)
	var resp payCellResponse
	require.NoError(t, json.Unmarshal([]byte(out), &resp))
	assert.NotEmpty(t, resp.TransID)
	code, _, _ = e.wxsim(t, "paycell", "--user", "Alice", "--code", cardCode)
	assert.Equal(t, exitUsage, code)
	code, _, _ = e.wxsim(t, "paycell", "--code", cardCode, "--fee", "1")
	assert.Equal(t, exitUsage, code)

	code, out, errs = e.wxsim(t, "coins", "--type", "ORDER_TYPE_WXPAY", "--paid", "1000")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "ORDER_STATUS_FINANCE_SUCC; 券点: 0 free, 1000 paid")
	code, out, errs = e.wxsim(t, "coins")
	require.Equal(t, exitOK, code, errs)
	assert.Equal(t, "券点: 0 free, 1000 paid\n", out)
	code, _, errs = e.wxsim(t, "coins", "--type", "ORDER_TYPE_REDUCE", "--paid", "1001")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "not_enough_coins")
	code, _, _ = e.wxsim(t, "coins", "extra")
	assert.Equal(t, exitUsage, code)
}
