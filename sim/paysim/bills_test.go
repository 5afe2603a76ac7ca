package paysim

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// download fetches a download_url the way a merchant must: signed, with the
// path and query of the URL.
func (f *fixture) download(t *testing.T, downloadURL string) *response {
	t.Helper()
	u, err := url.Parse(downloadURL)
	require.NoError(t, err)
	return f.do("GET", u.RequestURI(), nil)
}

func billFixture(t *testing.T) (*fixture, string) {
	f := newFixture(t, func(o *Options) { o.RefundDelay = time.Hour })
	paidOrder(t, f, "BILL00001", 1234)
	paidOrder(t, f, "BILL00002", 1)
	r := f.do("POST", "/v3/refund/domestic/refunds", refundBody("BILL00001", "BILLRF001", 234, 1234))
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	f.createJSAPI(t, "BILL00003", "https://example.com/n", 50) // unpaid: not in the bill
	return f, time.Now().In(cst).Format(time.DateOnly)
}

func TestTradeBill(t *testing.T) {
	t.Parallel()
	f, today := billFixture(t)
	for _, tc := range []struct {
		billType, header, summary string
		rows                      int
		totals                    string
	}{
		{"ALL", tradeHeaderAll, tradeSummaryFull, 3, "`3,`12.35,`2.34,`0.00,`0.00000,`12.35,`2.34"},
		{"SUCCESS", tradeHeaderSuccess, tradeSummaryShort, 2, "`2,`12.35,`0.00000,`12.35"},
		{"REFUND", tradeHeaderRefund, tradeSummaryFull, 1, "`1,`0.00,`2.34,`0.00,`0.00000,`0.00,`2.34"},
	} {
		t.Run(tc.billType, func(t *testing.T) {
			r := f.do("GET", "/v3/bill/tradebill?bill_date="+today+"&bill_type="+tc.billType, nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			f.requireSigned(t, r)
			var br BillResponse
			r.json(t, &br)
			assert.Equal(t, "SHA1", br.HashType)
			assert.True(t, strings.HasPrefix(br.DownloadURL, f.srv.URL+"/v3/billdownload/file?token="), br.DownloadURL)

			d := f.download(t, br.DownloadURL)
			require.Equal(t, http.StatusOK, d.status, string(d.body))
			assert.Empty(t, d.header.Get("Wechatpay-Signature"), "bill downloads are not signed")
			assert.Empty(t, d.header.Get("Wechatpay-Serial"))
			sum := sha1.Sum(d.body)
			assert.Equal(t, br.HashValue, hex.EncodeToString(sum[:]))

			lines := strings.Split(strings.TrimSuffix(string(d.body), "\n"), "\n")
			require.Len(t, lines, tc.rows+3)
			assert.Equal(t, tc.header, lines[0])
			cols := len(strings.Split(tc.header, ","))
			for _, l := range lines[1 : 1+tc.rows] {
				fields := strings.Split(l, ",")
				assert.Len(t, fields, cols, l)
				for _, fl := range fields {
					assert.True(t, strings.HasPrefix(fl, "`"), l)
				}
			}
			assert.Equal(t, tc.summary, lines[len(lines)-2])
			assert.Equal(t, tc.totals, lines[len(lines)-1])
		})
	}
}

func TestTradeBillGzip(t *testing.T) {
	t.Parallel()
	f, today := billFixture(t)
	r := f.do("GET", "/v3/bill/tradebill?bill_date="+today+"&tar_type=GZIP", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var br BillResponse
	r.json(t, &br)
	d := f.download(t, br.DownloadURL)
	require.Equal(t, http.StatusOK, d.status)
	assert.Equal(t, "application/x-gzip", d.header.Get("Content-Type"))
	zr, err := gzip.NewReader(bytes.NewReader(d.body))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	sum := sha1.Sum(plain)
	assert.Equal(t, br.HashValue, hex.EncodeToString(sum[:]), "the hash is of the uncompressed bill")
	assert.True(t, strings.HasPrefix(string(plain), tradeHeaderAll+"\n"))
	assert.Contains(t, string(plain), "`BILL00001,")
	assert.NotContains(t, string(plain), "BILL00003")
}

func TestFundFlowBill(t *testing.T) {
	t.Parallel()
	f, today := billFixture(t)
	r := f.do("GET", "/v3/bill/fundflowbill?bill_date="+today+"&account_type=BASIC", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var br BillResponse
	r.json(t, &br)
	d := f.download(t, br.DownloadURL)
	require.Equal(t, http.StatusOK, d.status)
	lines := strings.Split(strings.TrimSuffix(string(d.body), "\n"), "\n")
	require.Len(t, lines, 6)
	assert.Equal(t, fundHeader, lines[0])
	assert.Equal(t, fundSummary, lines[4])
	assert.Equal(t, "`3,`2,`12.35,`1,`2.34", lines[5])
	assert.Contains(t, lines[3], "`退款,`退款,`支出,`2.34,`10.01,")

	r = f.do("GET", "/v3/bill/fundflowbill?bill_date="+today+"&account_type=OPERATION", nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, CodeNoStatementExist, r.apiError(t).Code)
}

func TestBillErrors(t *testing.T) {
	t.Parallel()
	f, today := billFixture(t)
	tomorrow := time.Now().In(cst).AddDate(0, 0, 1).Format(time.DateOnly)
	cases := map[string]string{
		"/v3/bill/tradebill":                                           CodeParamError,
		"/v3/bill/tradebill?bill_date=20240101":                        CodeParamError,
		"/v3/bill/tradebill?bill_date=" + today + "&bill_type=X":       CodeParamError,
		"/v3/bill/tradebill?bill_date=" + today + "&tar_type=ZIP":      CodeParamError,
		"/v3/bill/tradebill?bill_date=" + tomorrow:                     CodeInvalidRequest,
		"/v3/bill/tradebill?bill_date=2020-01-01":                      CodeNoStatementExist,
		"/v3/bill/fundflowbill?bill_date=" + today + "&account_type=X": CodeParamError,
	}
	for uri, code := range cases {
		r := f.do("GET", uri, nil)
		assert.Equal(t, http.StatusBadRequest, r.status, uri)
		assert.Equal(t, code, r.apiError(t).Code, uri)
	}

	r := f.do("GET", "/v3/bill/tradebill?bill_date="+today, nil)
	var br BillResponse
	r.json(t, &br)
	u, _ := url.Parse(br.DownloadURL)
	// Unsigned download attempts are refused.
	d := f.send("GET", u.RequestURI(), nil, "")
	assert.Equal(t, http.StatusUnauthorized, d.status)
	// Unknown tokens are refused.
	d = f.do("GET", "/v3/billdownload/file?token=nope", nil)
	assert.Equal(t, http.StatusBadRequest, d.status)
	assert.Equal(t, CodeInvalidRequest, d.apiError(t).Code)
	// Another merchant cannot use the token.
	other, err := NewTestMerchantFromPEM(mustRead(t, "testdata/platform_key.pem"))
	require.NoError(t, err)
	require.NoError(t, f.p.AddMerchant(other.Merchant))
	req, _ := http.NewRequest("GET", f.srv.URL+u.RequestURI(), nil)
	require.NoError(t, other.SignRequest(req, nil))
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestBillURLExpires(t *testing.T) {
	t.Parallel()
	var nowNano atomic.Int64
	nowNano.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, nowNano.Load()) }
	now := clock()
	f := newFixture(t, func(o *Options) { o.Clock = clock })
	paidOrder(t, f, "EXPBILL01", 1)
	r := f.do("GET", "/v3/bill/tradebill?bill_date="+now.In(cst).Format(time.DateOnly), nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var br BillResponse
	r.json(t, &br)
	u, _ := url.Parse(br.DownloadURL)
	now = now.Add(BillURLLifetime + time.Second)
	nowNano.Store(now.UnixNano())
	d := f.send("GET", u.RequestURI(), nil, f.authHeader("GET", u.RequestURI(), nil, now, f.key))
	assert.Equal(t, http.StatusBadRequest, d.status)
}

func TestBillBaseURLOption(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.BaseURL = "https://pay.sim.example/" })
	paidOrder(t, f, "BASEURL01", 1)
	r := f.do("GET", "/v3/bill/tradebill?bill_date="+time.Now().In(cst).Format(time.DateOnly), nil)
	var br BillResponse
	r.json(t, &br)
	assert.True(t, strings.HasPrefix(br.DownloadURL, "https://pay.sim.example/v3/billdownload/file?token="), br.DownloadURL)
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return b
}

// TestTradeBillGolden renders a known day and compares it with the documented
// file format in testdata (交易账单文件格式).
func TestTradeBillGolden(t *testing.T) {
	t.Parallel()
	at := func(h, m, s int) time.Time { return time.Date(2024, 11, 22, h, m, s, 0, cst) }
	o := &order{appid: "wx2421b1c4370ec43b", mchid: "10000100", transactionID: "4200000001202411221234567890",
		outTradeNo: "1415640626", openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", tradeType: "JSAPI", bankType: "OTHERS",
		total: 100, description: "被扫支付测试", attach: "订单额外描述", successTime: at(10, 0, 0), state: TradeStateRefund}
	other := &order{outTradeNo: "unpaid", total: 5, state: TradeStateNotPay}
	r := &refund{id: "50000000382019052709732678859", outRefundNo: "R1415640626", outTradeNo: "1415640626",
		amount: 40, total: 100, status: RefundStatusSuccess, createTime: at(11, 0, 0), successTime: at(11, 0, 5)}
	m := &merchantState{orders: map[string]*order{o.outTradeNo: o, other.outTradeNo: other}, refundsOrder: []*refund{r}}
	got, rows := m.tradeBillText("2024-11-22", "ALL")
	assert.Equal(t, 2, rows)
	assert.Equal(t, string(mustRead(t, "testdata/tradebill_all.txt")), got)
	_, rows = m.tradeBillText("2024-11-21", "ALL")
	assert.Equal(t, 0, rows)
}
