package payv2

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
)

// Bill types (账单类型) for 下载交易账单.
const (
	BillTypeAll            = "ALL"             // 当日所有订单信息（不含充值退款订单）
	BillTypeSuccess        = "SUCCESS"         // 当日成功支付的订单
	BillTypeRefund         = "REFUND"          // 当日退款订单
	BillTypeRechargeRefund = "RECHARGE_REFUND" // 当日充值退款订单
)

// DownloadBillRequest is the input of 下载交易账单 (POST /pay/downloadbill).
type DownloadBillRequest struct {
	BillDate string `xml:"bill_date"` // 对账单日期 yyyyMMdd (required)
	BillType string `xml:"bill_type"` // ALL (default), SUCCESS, REFUND, RECHARGE_REFUND
	TarType  string `xml:"tar_type"`  // "GZIP" to receive the bill gzip-compressed

	// Decompress, with TarType "GZIP", writes the decompressed text to the
	// writer instead of the .gz bytes. It is not sent to WeChat.
	Decompress bool `xml:"-"`

	Extra map[string]string `xml:"-"`
}

// maxBillErrorBytes caps the XML error body of 下载交易账单.
const maxBillErrorBytes = 64 << 10

// DownloadBill calls 下载交易账单 (POST /pay/downloadbill) and streams the bill
// to w, returning the number of bytes written. On success WeChat answers with
// the bill itself: CSV-like text (or gzip data when TarType is "GZIP"); on
// failure with an unsigned XML document (for example return_msg "No Bill
// Exist", error_code 20002), returned as *Error with ErrCode set from
// error_code. Nothing is written to w on failure.
func (c *Client) DownloadBill(ctx context.Context, req *DownloadBillRequest, w io.Writer) (int64, error) {
	const api, path = "downloadbill", "/pay/downloadbill"
	if req == nil {
		return 0, &ParamError{API: api, Field: "request", Reason: "nil"}
	}
	if w == nil {
		return 0, &ParamError{API: api, Field: "writer", Reason: "nil io.Writer"}
	}
	if !isDigits(req.BillDate, 8) {
		return 0, &ParamError{API: api, Field: "bill_date", Reason: "must be yyyyMMdd"}
	}
	switch req.BillType {
	case "", BillTypeAll, BillTypeSuccess, BillTypeRefund, BillTypeRechargeRefund:
	default:
		return 0, &ParamError{API: api, Field: "bill_type", Reason: "must be ALL, SUCCESS, REFUND or RECHARGE_REFUND"}
	}
	if req.TarType != "" && req.TarType != "GZIP" {
		return 0, &ParamError{API: api, Field: "tar_type", Reason: `must be "" or "GZIP"`}
	}
	if ctx == nil {
		return 0, &ParamError{API: api, Field: "ctx", Reason: "nil context"}
	}
	params, err := toParams(api, req, req.Extra)
	if err != nil {
		return 0, err
	}
	if params["bill_type"] == "" {
		params["bill_type"] = BillTypeAll
	}
	if err := c.prepare(api, params); err != nil {
		return 0, err
	}
	resp, err := c.post(ctx, path, false, encodeXML(params))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return 0, &HTTPError{StatusCode: resp.StatusCode, Path: path}
	}

	br := bufio.NewReaderSize(resp.Body, 4096)
	head, _ := br.Peek(512) // a short body is fine; errors surface on Read below
	if bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\ufeff"), []byte("<xml")) {
		data, err := readCapped(br, maxBillErrorBytes)
		if err != nil {
			return 0, fmt.Errorf("payv2: %s: reading error body: %w", path, err)
		}
		m, err := ParseXML(data)
		if err != nil {
			return 0, fmt.Errorf("payv2: %s: %w", path, err)
		}
		return 0, &Error{
			ReturnCode: nonEmpty(m["return_code"], "FAIL"),
			ReturnMsg:  m["return_msg"],
			ResultCode: m["result_code"],
			ErrCode:    nonEmpty(m["error_code"], m["err_code"]),
			ErrCodeDes: m["err_code_des"],
		}
	}

	var src io.Reader = br
	if req.Decompress && req.TarType == "GZIP" {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("payv2: %s: gzip: %w", path, err)
		}
		defer zr.Close()
		src = zr
	}
	n, err := io.Copy(w, src)
	if err != nil {
		return n, fmt.Errorf("payv2: %s: streaming bill: %w", path, err)
	}
	return n, nil
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
