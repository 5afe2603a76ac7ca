package pay_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxkit/mp/pay"
)

const refundNotifyPlain = `{"mchid":"1900000109","transaction_id":"1008450740201411110005820873","out_trade_no":"20150806125346",
"refund_id":"50200207182018070300011301001","out_refund_no":"7752501201407033233368018","refund_status":"SUCCESS",
"success_time":"2018-06-08T10:34:56+08:00","user_received_account":"招商银行信用卡0403",
"amount":{"total":999,"refund":999,"payer_total":999,"payer_refund":999}}`

// notificationBody builds a notification in the documented format.
func notificationBody(id, eventType, originalType, plaintext string) []byte {
	summary := map[string]string{"transaction": "支付成功", "refund": "退款成功"}[originalType]
	b, _ := json.Marshal(map[string]any{
		"id": id, "create_time": "2027-03-01T09:59:58+08:00", "resource_type": "encrypt-resource",
		"event_type": eventType, "summary": summary,
		"resource": map[string]string{
			"original_type": originalType, "algorithm": "AEAD_AES_256_GCM", "associated_data": originalType,
			"nonce": "fdasflkja484", "ciphertext": gcmSeal(testAPIv3Key, "fdasflkja484", originalType, plaintext),
		},
	})
	return b
}

func notifyClient(t testing.TB, opts ...pay.Option) *pay.Client {
	base := []pay.Option{pay.WithClock(testClock), pay.WithPlatformCertificate(loadFixtures().platCert), pay.WithoutCertificateDownload()}
	c, err := pay.NewClient(testConfig(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseNotificationTransaction(t *testing.T) {
	t.Parallel()
	body := notificationBody("EV-2018022511223320873", pay.EventTransactionSuccess, "transaction", transactionJSON)
	h := signedHeader(loadFixtures().platKey, testPlatSerial, testNow, body)
	c := notifyClient(t)
	n, err := c.ParseNotification(context.Background(), h, body)
	if err != nil {
		t.Fatal(err)
	}
	if n.ID != "EV-2018022511223320873" || n.EventType != "TRANSACTION.SUCCESS" || n.ResourceType != "encrypt-resource" ||
		n.Summary != "支付成功" || n.Resource.OriginalType != "transaction" || n.CreateTime == "" {
		t.Fatalf("%+v", n)
	}
	tx, err := n.Transaction()
	if err != nil {
		t.Fatal(err)
	}
	if tx.TransactionID != "1217752501201407033233368018" || tx.TradeState != pay.TradeStateSuccess || tx.Amount.Total != 100 {
		t.Fatalf("%+v", tx)
	}
	if !bytes.Equal(n.Plaintext(), []byte(transactionJSON)) {
		t.Fatal("plaintext")
	}
	if _, err := n.Refund(); !errors.Is(err, pay.ErrEventType) {
		t.Fatalf("err = %v", err)
	}
}

func TestParseNotificationRefund(t *testing.T) {
	t.Parallel()
	c := notifyClient(t)
	for _, ev := range []string{pay.EventRefundSuccess, pay.EventRefundAbnormal, pay.EventRefundClosed} {
		plain := strings.Replace(refundNotifyPlain, `"SUCCESS"`, `"`+strings.TrimPrefix(ev, "REFUND.")+`"`, 1)
		body := notificationBody("EV-1", ev, "refund", plain)
		n, err := c.ParseNotification(context.Background(), signedHeader(loadFixtures().platKey, testPlatSerial, testNow, body), body)
		if err != nil {
			t.Fatal(err)
		}
		r, err := n.Refund()
		if err != nil {
			t.Fatal(err)
		}
		if r.RefundStatus != strings.TrimPrefix(ev, "REFUND.") || r.Amount.PayerRefund != 999 || r.OutRefundNo != "7752501201407033233368018" {
			t.Fatalf("%+v", r)
		}
		if _, err := n.Transaction(); !errors.Is(err, pay.ErrEventType) {
			t.Fatalf("err = %v", err)
		}
	}
}

func TestParseNotificationRejects(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	good := notificationBody("EV-1", pay.EventTransactionSuccess, "transaction", transactionJSON)
	sign := func(b []byte) http.Header { return signedHeader(fx.platKey, testPlatSerial, testNow, b) }
	withSig := func(b []byte, sig string) http.Header { h := sign(b); h.Set("Wechatpay-Signature", sig); return h }
	badKey := notificationBody("EV-1", pay.EventTransactionSuccess, "transaction", transactionJSON)
	badKey = bytes.Replace(badKey, []byte(`"associated_data":"transaction"`), []byte(`"associated_data":"refund"`), 1)
	notJSON := []byte(`{"id":`)
	noResource := []byte(`{"id":"EV-1","event_type":"TRANSACTION.SUCCESS"}`)
	badPlain := notificationBody("EV-1", pay.EventTransactionSuccess, "transaction", "not json")
	cases := map[string]struct {
		h    http.Header
		body []byte
		want error
	}{
		"signtest":       {withSig(good, signTestResponse), good, pay.ErrSignTestProbe},
		"bad signature":  {withSig(good, "c2lnbmF0dXJl"), good, pay.ErrSignatureInvalid},
		"tampered body":  {sign(good), append(append([]byte{}, good...), ' '), pay.ErrSignatureInvalid},
		"expired":        {signedHeader(fx.platKey, testPlatSerial, testNow.Add(-6*time.Minute), good), good, pay.ErrTimestampSkew},
		"unknown serial": {signedHeader(fx.plat2Key, testPlat2Serial, testNow, good), good, pay.ErrUnknownSerial},
		"no headers":     {http.Header{}, good, pay.ErrMissingSignatureHeaders},
		"bad ad":         {sign(badKey), badKey, pay.ErrDecrypt},
		"not json":       {sign(notJSON), notJSON, pay.ErrInvalidNotification},
		"no resource":    {sign(noResource), noResource, pay.ErrInvalidNotification},
	}
	c := notifyClient(t)
	for name, tc := range cases {
		if _, err := c.ParseNotification(context.Background(), tc.h, tc.body); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
	n, err := c.ParseNotification(context.Background(), sign(badPlain), badPlain)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Transaction(); !errors.Is(err, pay.ErrInvalidNotification) {
		t.Fatalf("err = %v", err)
	}
	// Notifications are verified even when response verification is off.
	c2 := notifyClient(t, pay.WithoutResponseVerification())
	if _, err := c2.ParseNotification(context.Background(), http.Header{}, good); !errors.Is(err, pay.ErrMissingSignatureHeaders) {
		t.Fatalf("err = %v", err)
	}
	if _, err := c2.ParseNotification(nilCtx(), sign(good), good); err == nil {
		t.Fatal("nil ctx accepted")
	}
}

func TestParseNotificationUnknownSerialRefresh(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	f := newFakePay(t)
	f.handle("GET /v3/certificates", 200, string(certificatesBody(testAPIv3Key, bothCerts())))
	c := f.client(t)
	body := notificationBody("EV-2", pay.EventTransactionSuccess, "transaction", transactionJSON)
	h := signedHeader(fx.plat2Key, testPlat2Serial, testNow, body)
	if _, err := c.ParseNotification(context.Background(), h, body); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ParseNotification(context.Background(), h, body); err != nil {
		t.Fatal(err)
	}
	if n := f.count("/v3/certificates"); n != 1 {
		t.Fatalf("%d downloads, want 1", n)
	}
}

// orderBook is the idempotent business logic of the handler tests and
// examples: it ships each transaction once, whatever the number of
// deliveries.
type orderBook struct {
	mu        sync.Mutex
	processed map[string]bool
	shipped   []string
	failNext  bool
}

func (b *orderBook) handle(_ context.Context, n *pay.Notification) error {
	tx, err := n.Transaction()
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failNext {
		b.failNext = false
		return errors.New("database unavailable")
	}
	if b.processed[tx.TransactionID] {
		return nil // duplicate delivery: acknowledge, do nothing
	}
	if tx.TradeState == pay.TradeStateSuccess {
		b.shipped = append(b.shipped, tx.OutTradeNo)
	}
	b.processed[tx.TransactionID] = true
	return nil
}

func postNotify(h http.Handler, method string, header http.Header, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/pay/notify", bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestNotifyHandler(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	book := &orderBook{processed: map[string]bool{}}
	h := pay.NewNotifyHandler(notifyClient(t), book.handle, pay.WithNotifyMaxBody(4096))
	body := notificationBody("EV-1", pay.EventTransactionSuccess, "transaction", transactionJSON)
	hdr := signedHeader(fx.platKey, testPlatSerial, testNow, body)

	// Business failure: 500 + FAIL, WeChat Pay will retry.
	book.failNext = true
	rec := postNotify(h, "POST", hdr, body)
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	jsonEq(t, `{"code":"FAIL","message":"processing failed"}`, rec.Body.Bytes())

	// Retries and duplicates: all acknowledged, shipped once.
	for i := 0; i < 3; i++ {
		rec = postNotify(h, "POST", hdr, body)
		if rec.Code != 200 || rec.Body.Len() != 0 {
			t.Fatalf("delivery %d: %d %q", i, rec.Code, rec.Body.String())
		}
	}
	if len(book.shipped) != 1 || book.shipped[0] != "1217752501201407033233368018" {
		t.Fatalf("shipped %v", book.shipped)
	}

	bad := hdr.Clone()
	bad.Set("Wechatpay-Signature", signTestResponse)
	cases := []struct {
		name   string
		method string
		h      http.Header
		body   []byte
		status int
	}{
		{"signtest", "POST", bad, body, 401},
		{"unsigned", "POST", http.Header{}, body, 401},
		{"get", "GET", hdr, nil, 405},
		{"too large", "POST", hdr, bytes.Repeat([]byte("x"), 5000), 413},
		{"malformed", "POST", signedHeader(fx.platKey, testPlatSerial, testNow, []byte("{}")), []byte("{}"), 400},
	}
	for _, tc := range cases {
		rec := postNotify(h, tc.method, tc.h, tc.body)
		if rec.Code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, rec.Code, tc.status)
		}
		var v struct{ Code, Message string }
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v.Code != "FAIL" || v.Message == "" {
			t.Errorf("%s: body %q", tc.name, rec.Body.String())
		}
	}
	if len(book.shipped) != 1 {
		t.Fatal("rejected notification was processed")
	}
	if rec := postNotify(pay.NewNotifyHandler(nil, nil), "POST", hdr, body); rec.Code != 500 {
		t.Fatalf("unconfigured: %d", rec.Code)
	}
}

// FuzzParseNotification feeds arbitrary headers and bodies; when sign is set
// the body gets a valid signature so that JSON decoding and decryption are
// exercised too. It must never panic.
func FuzzParseNotification(f *testing.F) {
	good := notificationBody("EV-1", pay.EventTransactionSuccess, "transaction", transactionJSON)
	f.Add(good, "1803866400", "nonce", testPlatSerial, "sig", true)
	f.Add(good, "1803866400", "nonce", testPlatSerial, signTestResponse, false)
	f.Add([]byte(`{"id":"1","event_type":"REFUND.SUCCESS","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"123456789012","ciphertext":"AAAAAAAAAAAAAAAAAAAAAA=="}}`), "", "", "", "", true)
	f.Add([]byte(`null`), "x", "y", "PUB_KEY_ID_1", "====", true)
	f.Add([]byte{}, "-9223372036854775808", "", "0", "", false)
	fx := loadFixtures()
	c := notifyClient(f, pay.WithWechatPayPublicKey(testPubKeyID, fx.pubKey))
	f.Fuzz(func(t *testing.T, body []byte, ts, nonce, serial, sig string, sign bool) {
		h := http.Header{}
		h.Set("Wechatpay-Timestamp", ts)
		h.Set("Wechatpay-Nonce", nonce)
		h.Set("Wechatpay-Serial", serial)
		h.Set("Wechatpay-Signature", sig)
		if sign {
			h = signedHeader(fx.platKey, testPlatSerial, testNow, body)
		}
		n, err := c.ParseNotification(context.Background(), h, body)
		if err != nil {
			return
		}
		if !sign {
			t.Fatalf("unsigned notification accepted: %q", body)
		}
		_, _ = n.Transaction()
		_, _ = n.Refund()
	})
}

func BenchmarkNotificationVerifyDecrypt(b *testing.B) {
	body := notificationBody("EV-1", pay.EventTransactionSuccess, "transaction", transactionJSON)
	h := signedHeader(loadFixtures().platKey, testPlatSerial, testNow, body)
	c := notifyClient(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n, err := c.ParseNotification(ctx, h, body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := n.Transaction(); err != nil {
			b.Fatal(err)
		}
	}
}

// Rejected notifications are logged at WARN with the reason: through
// slog.Default() unless a logger is given. Not parallel: it replaces the
// process's default logger.
func TestNotifyRejectionsLogged(t *testing.T) {
	var def bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&def, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	body := notificationBody("EV-LOG", pay.EventTransactionSuccess, "transaction", transactionJSON)
	forged := signedHeader(otherMerchantKey(), testPlatSerial, testNow, body)
	ok := func(context.Context, *pay.Notification) error { return nil }
	if rec := postNotify(pay.NewNotifyHandler(notifyClient(t), ok), "POST", forged, body); rec.Code != http.StatusUnauthorized {
		t.Fatalf("forged: %d", rec.Code)
	}
	if s := def.String(); !strings.Contains(s, "level=WARN") || !strings.Contains(s, "notification rejected") ||
		!strings.Contains(s, "signature") {
		t.Fatalf("default log: %q", s)
	}

	// An undecryptable resource, to a logger of the handler's own.
	var own bytes.Buffer
	bad := bytes.Replace(body, []byte(`"associated_data":"transaction"`), []byte(`"associated_data":"tampered"`), 1)
	h := pay.NewNotifyHandler(notifyClient(t), ok, pay.WithNotifyLogger(slog.New(slog.NewTextHandler(&own, nil))))
	if rec := postNotify(h, "POST", signedHeader(loadFixtures().platKey, testPlatSerial, testNow, bad), bad); rec.Code != http.StatusBadRequest {
		t.Fatalf("undecryptable: %d", rec.Code)
	}
	if s := own.String(); !strings.Contains(s, "level=WARN") || !strings.Contains(s, "decrypt") {
		t.Fatalf("handler log: %q", s)
	}
	if strings.Contains(own.String(), testAPIv3Key) || strings.Contains(def.String(), testAPIv3Key) {
		t.Fatal("the APIv3 key was logged")
	}
}

// BenchmarkFloorNotificationVerifyDecrypt is the same work as
// BenchmarkNotificationVerifyDecrypt written on the standard library alone,
// with the cipher prepared once as a hand-written handler would: the floor.
func BenchmarkFloorNotificationVerifyDecrypt(b *testing.B) {
	body := notificationBody("EV-1", pay.EventTransactionSuccess, "transaction", transactionJSON)
	h := signedHeader(loadFixtures().platKey, testPlatSerial, testNow, body)
	pub := &loadFixtures().platKey.PublicKey
	block, _ := aes.NewCipher([]byte(testAPIv3Key))
	gcm, _ := cipher.NewGCM(block)
	b.ReportAllocs()
	for b.Loop() {
		ts, nonce := h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce")
		sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
		if err != nil {
			b.Fatal(err)
		}
		d := sha256.New()
		d.Write([]byte(ts + "\n" + nonce + "\n"))
		d.Write(body)
		d.Write([]byte("\n"))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, d.Sum(nil), sig); err != nil {
			b.Fatal(err)
		}
		var n struct {
			ID        string `json:"id"`
			EventType string `json:"event_type"`
			Resource  struct {
				Ciphertext     string `json:"ciphertext"`
				AssociatedData string `json:"associated_data"`
				Nonce          string `json:"nonce"`
			} `json:"resource"`
		}
		if err := json.Unmarshal(body, &n); err != nil {
			b.Fatal(err)
		}
		ct, err := base64.StdEncoding.DecodeString(n.Resource.Ciphertext)
		if err != nil {
			b.Fatal(err)
		}
		pt, err := gcm.Open(ct[:0], []byte(n.Resource.Nonce), ct, []byte(n.Resource.AssociatedData))
		if err != nil {
			b.Fatal(err)
		}
		var tx pay.Transaction
		if err := json.Unmarshal(pt, &tx); err != nil {
			b.Fatal(err)
		}
	}
}
