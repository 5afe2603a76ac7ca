package paysim

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"time"
)

// Error codes (error_code) of a failed 下载交易账单.
const (
	V2BillErrParam   = "20001" // 参数错误 (bill_date, bill_type, tar_type)
	V2BillErrNoBill  = "20002" // No Bill Exist
	V2BillNoBillText = "No Bill Exist"
)

func billFailXML(msg, code string) []byte {
	return encodeV2XML("xml", map[string]string{"return_code": V2Fail, "return_msg": msg, "error_code": code})
}

// v2DownloadBill serves POST /pay/downloadbill (下载交易账单). It answers the
// bill itself — the header line, one line per order or refund with every
// field preceded by a backtick, the summary header and the summary line —
// as text, or gzip when tar_type is GZIP; on failure an unsigned XML
// document with return_code FAIL, return_msg and error_code (20002 No Bill
// Exist).
func (p *Platform) v2DownloadBill(w http.ResponseWriter, r *http.Request) {
	c := p.v2Begin(w, r)
	if c == nil {
		return
	}
	day, ok := v2BillDate(c.get("bill_date"))
	if !ok {
		p.v2Write(w, r, billFailXML("invalid bill_date", V2BillErrParam))
		return
	}
	if d, _ := time.ParseInLocation(time.DateOnly, day, cst); !d.Before(p.now().In(cst).Add(24 * time.Hour)) {
		p.v2Write(w, r, billFailXML("invalid bill_date", V2BillErrParam))
		return
	}
	billType := c.get("bill_type")
	switch billType {
	case "":
		billType = "ALL"
	case "ALL", "SUCCESS", "REFUND", "RECHARGE_REFUND":
	default:
		p.v2Write(w, r, billFailXML("invalid bill_type", V2BillErrParam))
		return
	}
	tar := c.get("tar_type")
	if tar != "" && tar != "GZIP" {
		p.v2Write(w, r, billFailXML("invalid tar_type", V2BillErrParam))
		return
	}
	text, rows := "", 0
	if billType != "RECHARGE_REFUND" { // no 充值券 in the simulator
		p.mu.Lock()
		text, rows = c.m.tradeBillText(day, billType)
		p.mu.Unlock()
	}
	if rows == 0 {
		p.v2Write(w, r, billFailXML(V2BillNoBillText, V2BillErrNoBill))
		return
	}
	if tar != "GZIP" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(text))
		return
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(text))
	_ = zw.Close()
	w.Header().Set("Content-Type", "application/x-gzip")
	_, _ = w.Write(buf.Bytes())
}

// v2BillDate parses bill_date (yyyyMMdd) into the yyyy-MM-dd day of the bill.
func v2BillDate(s string) (string, bool) {
	t, err := time.ParseInLocation("20060102", s, cst)
	if err != nil || len(s) != 8 {
		return "", false
	}
	return t.Format(time.DateOnly), true
}
