package paysim

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// BillResponse is the answer of 申请交易账单 and 申请资金账单.
type BillResponse struct {
	HashType    string `json:"hash_type"`
	HashValue   string `json:"hash_value"`
	DownloadURL string `json:"download_url"`
}

// BillURLLifetime is how long a download_url stays valid (下载地址有效时间5min).
const BillURLLifetime = 5 * time.Minute

type billFile struct {
	mchid   string
	content []byte
	gzip    bool
	expires time.Time
}

// Bill headers (账单明细数据表头 / 汇总数据表头) from the documented file formats.
const (
	tradeHeaderAll     = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
	tradeHeaderSuccess = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注"
	tradeHeaderRefund  = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
	tradeSummaryFull   = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
	tradeSummaryShort  = "总交易单数,应结订单总金额,手续费总金额,订单总金额"
	fundHeader         = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号"
	fundSummary        = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额"
	billTimeLayout     = "2006-01-02 15:04:05"
)

// billFieldCleaner keeps a field from breaking the line format; it is never
// modified after initialisation.
var billFieldCleaner = strings.NewReplacer(",", "，", "\n", " ", "\r", " ")

// billLine joins fields with commas, each preceded by a backtick as WeChat Pay
// does to keep spreadsheets from reformatting numbers.
func billLine(fields ...string) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('`')
		b.WriteString(billFieldCleaner.Replace(f))
	}
	return b.String()
}

type billEntry struct {
	at   time.Time
	key  string
	line string
}

func sortEntries(e []billEntry) {
	sort.Slice(e, func(i, j int) bool {
		if !e[i].at.Equal(e[j].at) {
			return e[i].at.Before(e[j].at)
		}
		return e[i].key < e[j].key
	})
}

func sameDay(t time.Time, day string) bool {
	return !t.IsZero() && t.In(cst).Format(time.DateOnly) == day
}

func billTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(cst).Format(billTimeLayout)
}

// tradeBillText renders the trade bill of one day. p.mu is held.
func (m *merchantState) tradeBillText(day, billType string) (string, int) {
	var entries []billEntry
	var settle, refundSum, orderSum, applySum int64
	if billType != "REFUND" {
		for _, o := range m.orders {
			if !sameDay(o.successTime, day) {
				continue
			}
			f := []string{billTime(o.successTime), o.appid, o.mchid, "0", "", o.transactionID, o.outTradeNo, o.openid,
				o.tradeType, "SUCCESS", o.bankType, "CNY", yuan(o.total), "0.00"}
			if billType == "ALL" {
				f = append(f, "0", "0", "0.00", "0.00", "", "")
			}
			f = append(f, o.description, o.attach, "0.00000", "0.00%", yuan(o.total))
			if billType == "ALL" {
				f = append(f, "0.00")
			}
			f = append(f, "")
			entries = append(entries, billEntry{o.successTime, o.transactionID, billLine(f...)})
			settle += o.total
			orderSum += o.total
		}
	}
	if billType != "SUCCESS" {
		for _, r := range m.refundsOrder {
			if !sameDay(r.createTime, day) {
				continue
			}
			o := m.orders[r.outTradeNo]
			f := []string{billTime(r.createTime), o.appid, o.mchid, "0", "", o.transactionID, o.outTradeNo, o.openid,
				o.tradeType, "REFUND", o.bankType, "CNY", "0.00", "0.00"}
			if billType == "REFUND" {
				f = append(f, billTime(r.createTime), billTime(r.successTime))
			}
			f = append(f, r.id, r.outRefundNo, yuan(r.amount), "0.00", "ORIGINAL", r.status,
				o.description, o.attach, "0.00000", "0.00%", "0.00", yuan(r.amount), "")
			entries = append(entries, billEntry{r.createTime, r.id, billLine(f...)})
			refundSum += r.amount
			applySum += r.amount
		}
	}
	sortEntries(entries)
	header, summary := tradeHeaderAll, tradeSummaryFull
	switch billType {
	case "SUCCESS":
		header, summary = tradeHeaderSuccess, tradeSummaryShort
	case "REFUND":
		header = tradeHeaderRefund
	}
	var b strings.Builder
	b.WriteString(header + "\n")
	for _, e := range entries {
		b.WriteString(e.line + "\n")
	}
	b.WriteString(summary + "\n")
	n := strconv.Itoa(len(entries))
	if billType == "SUCCESS" {
		b.WriteString(billLine(n, yuan(settle), "0.00000", yuan(orderSum)) + "\n")
	} else {
		b.WriteString(billLine(n, yuan(settle), yuan(refundSum), "0.00", "0.00000", yuan(orderSum), yuan(applySum)) + "\n")
	}
	return b.String(), len(entries)
}

// fundFlowBillText renders the basic account's fund flow of one day. p.mu is held.
func (m *merchantState) fundFlowBillText(day string) (string, int) {
	type flow struct {
		at              time.Time
		bizID, name     string
		income          bool
		amount          int64
		voucher, sortID string
	}
	var flows []flow
	for _, o := range m.orders {
		if sameDay(o.successTime, day) {
			flows = append(flows, flow{o.successTime, o.transactionID, "交易", true, o.total, o.outTradeNo, o.transactionID})
		}
	}
	for _, r := range m.refundsOrder {
		if sameDay(r.createTime, day) {
			flows = append(flows, flow{r.createTime, r.id, "退款", false, r.amount, r.outRefundNo, r.id})
		}
	}
	sort.Slice(flows, func(i, j int) bool {
		if !flows[i].at.Equal(flows[j].at) {
			return flows[i].at.Before(flows[j].at)
		}
		return flows[i].sortID < flows[j].sortID
	})
	var b strings.Builder
	b.WriteString(fundHeader + "\n")
	var balance, in, out int64
	var nIn, nOut int
	for _, f := range flows {
		kind := "支出"
		if f.income {
			kind = "收入"
			balance += f.amount
			in += f.amount
			nIn++
		} else {
			balance -= f.amount
			out += f.amount
			nOut++
		}
		b.WriteString(billLine(billTime(f.at), f.bizID, randString(digits, 28), f.name, f.name, kind,
			yuan(f.amount), yuan(balance), "system", "", f.voucher) + "\n")
	}
	b.WriteString(fundSummary + "\n")
	b.WriteString(billLine(strconv.Itoa(len(flows)), strconv.Itoa(nIn), yuan(in), strconv.Itoa(nOut), yuan(out)) + "\n")
	return b.String(), len(flows)
}

func (p *Platform) billQuery(c *call) (day, tar string, e *APIError) {
	q := c.r.URL.Query()
	day = q.Get("bill_date")
	if day == "" {
		return "", "", missing("/query/bill_date", "账单日期")
	}
	d, err := time.ParseInLocation(time.DateOnly, day, cst)
	if err != nil {
		return "", "", paramErr("/query/bill_date", "账单日期", "格式校验失败，格式为yyyy-MM-DD")
	}
	if d.After(p.now().In(cst)) {
		return "", "", apiErr(http.StatusBadRequest, CodeInvalidRequest, "账单日期不能晚于当前日期")
	}
	tar = q.Get("tar_type")
	if tar != "" && tar != "GZIP" {
		return "", "", invalid("/query/tar_type", "压缩类型")
	}
	return day, tar, nil
}

// tradeBill serves GET /v3/bill/tradebill (申请交易账单).
func (p *Platform) tradeBill(c *call) (int, any, *APIError) {
	day, tar, e := p.billQuery(c)
	if e != nil {
		return 0, nil, e
	}
	billType := c.r.URL.Query().Get("bill_type")
	switch billType {
	case "":
		billType = "ALL"
	case "ALL", "SUCCESS", "REFUND":
	default:
		return 0, nil, invalid("/query/bill_type", "账单类型")
	}
	p.mu.Lock()
	text, rows := c.m.tradeBillText(day, billType)
	p.mu.Unlock()
	return p.issueBill(c, text, rows, tar)
}

// fundFlowBill serves GET /v3/bill/fundflowbill (申请资金账单).
func (p *Platform) fundFlowBill(c *call) (int, any, *APIError) {
	day, tar, e := p.billQuery(c)
	if e != nil {
		return 0, nil, e
	}
	text, rows := "", 0
	switch c.r.URL.Query().Get("account_type") {
	case "", "BASIC":
		p.mu.Lock()
		text, rows = c.m.fundFlowBillText(day)
		p.mu.Unlock()
	case "OPERATION", "FEES":
	default:
		return 0, nil, invalid("/query/account_type", "资金账户类型")
	}
	return p.issueBill(c, text, rows, tar)
}

func (p *Platform) issueBill(c *call, text string, rows int, tar string) (int, any, *APIError) {
	if rows == 0 {
		return 0, nil, apiErr(http.StatusBadRequest, CodeNoStatementExist, "账单文件不存在，请检查当前商户号在指定日期内是否有成功的交易")
	}
	sum := sha1.Sum([]byte(text)) // 原始账单（gzip需要解压缩）的摘要值
	token := randString(alnum, 32)
	now := p.now()
	p.mu.Lock()
	for k, b := range p.bills {
		if now.After(b.expires) {
			delete(p.bills, k)
		}
	}
	p.bills[token] = &billFile{mchid: c.m.MchID, content: []byte(text), gzip: tar == "GZIP", expires: now.Add(BillURLLifetime)}
	p.mu.Unlock()
	return http.StatusOK, BillResponse{
		HashType:    "SHA1",
		HashValue:   hex.EncodeToString(sum[:]),
		DownloadURL: p.base(c.r) + "/v3/billdownload/file?token=" + token,
	}, nil
}

// downloadBill serves GET /v3/billdownload/file?token= (下载账单). The request
// is authenticated like any other, but the file stream is not signed.
func (p *Platform) downloadBill(w http.ResponseWriter, r *http.Request) {
	sig := p.responseSigner(r.Header.Get("Wechatpay-Serial"))
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	m, e := p.authenticate(r, body)
	if e != nil {
		p.writeJSON(w, r, sig, e.Status, e.body())
		return
	}
	p.mu.Lock()
	b := p.bills[r.URL.Query().Get("token")]
	expired := b != nil && p.now().After(b.expires)
	p.mu.Unlock()
	if b == nil || b.mchid != m.MchID || expired {
		e := apiErr(http.StatusBadRequest, CodeInvalidRequest, "账单下载链接无效或已过期，请重新申请账单")
		p.writeJSON(w, r, sig, e.Status, e.body())
		return
	}
	w.Header().Set("Request-ID", newRequestID())
	if !b.gzip {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(b.content)
		return
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b.content)
	_ = zw.Close()
	w.Header().Set("Content-Type", "application/x-gzip")
	_, _ = w.Write(buf.Bytes())
}
