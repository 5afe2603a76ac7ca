package pay

import (
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Bill types (账单类型) and options.
const (
	BillTypeAll     = "ALL"     // 所有订单
	BillTypeSuccess = "SUCCESS" // 成功支付的订单
	BillTypeRefund  = "REFUND"  // 退款订单

	AccountTypeBasic     = "BASIC"     // 基本账户
	AccountTypeOperation = "OPERATION" // 运营账户
	AccountTypeFees      = "FEES"      // 手续费账户

	TarTypeGZIP = "GZIP" // 压缩格式: gzip
)

// TradeBillRequest holds the query of 申请交易账单.
type TradeBillRequest struct {
	BillDate string // "2006-01-02", required
	BillType string // BillTypeAll (default), BillTypeSuccess, BillTypeRefund
	TarType  string // "" (plain) or TarTypeGZIP
}

// FundFlowBillRequest holds the query of 申请资金账单.
type FundFlowBillRequest struct {
	BillDate    string // "2006-01-02", required
	AccountType string // AccountTypeBasic (default), AccountTypeOperation, AccountTypeFees
	TarType     string // "" (plain) or TarTypeGZIP
}

// Bill is the answer of 申请交易账单 / 申请资金账单: where to download the bill
// and the digest of the original (uncompressed) file.
type Bill struct {
	HashType    string `json:"hash_type"`  // "SHA1"
	HashValue   string `json:"hash_value"` // hex SHA-1 of the uncompressed bill
	DownloadURL string `json:"download_url"`
	// TarType is copied from the request ("GZIP" or ""); DownloadBill
	// decompresses when it is GZIP.
	TarType string `json:"-"`
}

func checkBillDate(d string) error {
	if _, err := time.Parse(time.DateOnly, d); err != nil {
		return &ArgumentError{Name: "bill_date", Reason: "must be YYYY-MM-DD"}
	}
	return nil
}

func checkTarType(t string) error {
	if t != "" && t != TarTypeGZIP {
		return &ArgumentError{Name: "tar_type", Reason: "must be empty or GZIP"}
	}
	return nil
}

// TradeBill calls 申请交易账单 (GET /v3/bill/tradebill?bill_date=&bill_type=&tar_type=).
func (c *Client) TradeBill(ctx context.Context, req *TradeBillRequest) (*Bill, error) {
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	return c.applyBill(ctx, "/v3/bill/tradebill", req.BillDate, req.TarType, "bill_type", req.BillType)
}

// FundFlowBill calls 申请资金账单 (GET /v3/bill/fundflowbill?bill_date=&account_type=&tar_type=).
func (c *Client) FundFlowBill(ctx context.Context, req *FundFlowBillRequest) (*Bill, error) {
	if req == nil {
		return nil, &ArgumentError{Name: "req", Reason: "nil request"}
	}
	return c.applyBill(ctx, "/v3/bill/fundflowbill", req.BillDate, req.TarType, "account_type", req.AccountType)
}

// applyBill checks a bill request's date and tar_type and sends it to path
// with the query bill_date, key=value when value is set, and tar_type when
// set.
func (c *Client) applyBill(ctx context.Context, path, date, tarType, key, value string) (*Bill, error) {
	if err := checkBillDate(date); err != nil {
		return nil, err
	}
	if err := checkTarType(tarType); err != nil {
		return nil, err
	}
	q := url.Values{"bill_date": {date}}
	if value != "" {
		q.Set(key, value)
	}
	if tarType != "" {
		q.Set("tar_type", tarType)
	}
	var out Bill
	if _, err := c.do(ctx, &apiRequest{method: http.MethodGet, path: path, query: q}, &out); err != nil {
		return nil, err
	}
	out.TarType = tarType
	return &out, nil
}

// DownloadBill calls 下载账单: it sends a signed GET to bill.DownloadURL and
// streams the bill into w, gunzipping it when bill.TarType is GZIP. The
// download answer is not signed by WeChat Pay, so integrity is checked with
// the SHA-1 digest computed while streaming: when it differs from
// bill.HashValue, DownloadBill returns an error wrapping ErrBillHashMismatch.
//
// Because the data is streamed, w has then already received the bad data.
// Write to a temporary file and only use it once DownloadBill returned nil:
//
//	f, _ := os.CreateTemp(dir, "bill-*.csv")
//	if _, err := client.DownloadBill(ctx, bill, f); err != nil {
//		f.Close(); os.Remove(f.Name()) // discard
//		return err
//	}
//	f.Close(); os.Rename(f.Name(), final)
//
// The download URL must use https or the host of the client's base URL, so
// that signed requests are not sent elsewhere. It returns the number of
// (uncompressed) bytes written.
func (c *Client) DownloadBill(ctx context.Context, bill *Bill, w io.Writer) (int64, error) {
	if bill == nil || bill.DownloadURL == "" {
		return 0, &ArgumentError{Name: "download_url", Reason: "required"}
	}
	if w == nil {
		return 0, &ArgumentError{Name: "w", Reason: "nil writer"}
	}
	if !strings.EqualFold(bill.HashType, "SHA1") {
		return 0, &ArgumentError{Name: "hash_type", Reason: fmt.Sprintf("unsupported %q", truncate(bill.HashType, 16))}
	}
	if err := checkTarType(bill.TarType); err != nil {
		return 0, err
	}
	u, err := url.Parse(bill.DownloadURL)
	if err != nil || u.Host == "" {
		return 0, &ArgumentError{Name: "download_url", Reason: "not an absolute URL"}
	}
	base, _ := url.Parse(c.baseURL)
	if u.Scheme != "https" && !(u.Scheme == base.Scheme && u.Host == base.Host) {
		return 0, &ArgumentError{Name: "download_url", Reason: "must be https or on the base URL host"}
	}
	resp, err := c.send(ctx, &apiRequest{method: http.MethodGet, rawURL: bill.DownloadURL, path: u.Path, noVerify: true})
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := readCapped(resp.Body, 64<<10)
		return 0, decodeAPIError(resp.StatusCode, resp.Header, body)
	}
	var src io.Reader = resp.Body
	if bill.TarType == TarTypeGZIP {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return 0, fmt.Errorf("wechatpay: bill is not gzip: %w", err)
		}
		defer zr.Close()
		src = zr
	}
	h := sha1.New()
	n, err := io.Copy(io.MultiWriter(w, h), src)
	if err != nil {
		return n, fmt.Errorf("wechatpay: downloading bill: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, strings.TrimSpace(bill.HashValue)) {
		return n, fmt.Errorf("%w: got sha1 %s, want %s", ErrBillHashMismatch, got, truncate(bill.HashValue, 64))
	}
	return n, nil
}
