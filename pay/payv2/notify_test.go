package payv2

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func signedNotify(t testing.TB, st SignType) []byte {
	return signFixture(t, readFixture(t, "payment_notify.xml"), st, testKey)
}

func TestParsePaymentNotification(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	for _, st := range []SignType{SignTypeMD5, SignTypeHMACSHA256} {
		n, err := c.ParsePaymentNotification(signedNotify(t, st))
		require.NoError(t, err, st)
		assert.True(t, n.Paid())
		assert.Equal(t, "1004400740201409030005092168", n.TransactionID)
		assert.Equal(t, "1409811653", n.OutTradeNo)
		assert.Equal(t, int64(1), n.TotalFee)
		assert.Equal(t, int64(1), n.CashFee)
		assert.Equal(t, "支付测试", n.Attach)
		assert.Equal(t, "oUpF8uMEb4qRXf22hE3X68TekukE", n.OpenID)
		assert.Equal(t, []Coupon{{Type: "CASH", ID: "10000", Fee: 10}}, n.Coupons)
		assert.Equal(t, "CFT", n.Raw["bank_type"])
	}

	// HMAC declared by sign_type.
	raw := bytes.Replace(readFixture(t, "payment_notify.xml"), []byte("<xml>"), []byte("<xml><sign_type>HMAC-SHA256</sign_type>"), 1)
	n, err := c.ParsePaymentNotification(signFixture(t, raw, SignTypeHMACSHA256, testKey))
	require.NoError(t, err)
	assert.Equal(t, "HMAC-SHA256", n.SignType)

	// Unknown extra field is covered by the signature.
	raw = bytes.Replace(readFixture(t, "payment_notify.xml"), []byte("<xml>"), []byte("<xml><brand_new_field>1</brand_new_field>"), 1)
	signed := signFixture(t, raw, SignTypeMD5, testKey)
	_, err = c.ParsePaymentNotification(signed)
	require.NoError(t, err)
	tampered := bytes.Replace(signed, []byte("<brand_new_field>1<"), []byte("<brand_new_field>2<"), 1)
	_, err = c.ParsePaymentNotification(tampered)
	require.ErrorIs(t, err, ErrSignatureInvalid)

	// Tampered amount.
	tampered = bytes.Replace(signedNotify(t, SignTypeMD5), []byte("<total_fee>1<"), []byte("<total_fee>100<"), 1)
	_, err = c.ParsePaymentNotification(tampered)
	require.ErrorIs(t, err, ErrSignatureInvalid)

	_, err = c.ParsePaymentNotification(readFixture(t, "payment_notify.xml"))
	require.ErrorIs(t, err, ErrSignatureMissing)

	_, err = c.ParsePaymentNotification(readFixture(t, "return_fail.xml"))
	var e *Error
	require.ErrorAs(t, err, &e)

	_, err = c.ParsePaymentNotification(bytes.Repeat([]byte("a"), MaxNotificationBytes+1))
	require.ErrorIs(t, err, ErrBodyTooLarge)
}

func TestPaymentNotificationHandler(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	var got []*PaymentNotification
	fail := false
	h := c.PaymentNotificationHandler(func(ctx context.Context, n *PaymentNotification) error {
		require.NotNil(t, ctx)
		got = append(got, n)
		if fail {
			return errors.New("db down")
		}
		return nil
	})
	do := func(method string, body []byte) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, "/wxpay/notify", bytes.NewReader(body)))
		return rec
	}

	rec := do(http.MethodPost, signedNotify(t, SignTypeMD5))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, NotifySuccessReply, rec.Body.String())
	assert.Equal(t, "text/xml; charset=utf-8", rec.Header().Get("Content-Type"))
	require.Len(t, got, 1)
	assert.Equal(t, "1409811653", got[0].OutTradeNo)

	fail = true
	rec = do(http.MethodPost, signedNotify(t, SignTypeMD5))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assertFailReply(t, rec.Body.Bytes())

	rec = do(http.MethodPost, bytes.Replace(signedNotify(t, SignTypeMD5), []byte("1409811653"), []byte("1409811654"), 1))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assertFailReply(t, rec.Body.Bytes())
	assert.Len(t, got, 2, "handler not called for a forged notification")

	rec = do(http.MethodGet, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)

	rec = do(http.MethodPost, append([]byte("<xml>"), bytes.Repeat([]byte(" "), MaxNotificationBytes)...))
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	assertFailReply(t, rec.Body.Bytes())

	rec = httptest.NewRecorder()
	c.PaymentNotificationHandler(nil).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(signedNotify(t, SignTypeMD5))))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
}

func assertFailReply(t *testing.T, body []byte) {
	t.Helper()
	m, err := ParseXML(body)
	require.NoError(t, err)
	assert.Equal(t, "FAIL", m["return_code"])
	assert.NotEmpty(t, m["return_msg"])
}

func TestNotifyFailReply(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[签名失败]]></return_msg></xml>`, string(NotifyFailReply("签名失败")))
	m, err := ParseXML(NotifyFailReply("bad\x00"))
	require.NoError(t, err)
	assert.Equal(t, "FAIL", m["return_msg"])
}

func TestDecryptReqInfoKnownAnswer(t *testing.T) {
	t.Parallel()
	// testdata/refund_notify.xml was encrypted with the openssl CLI:
	//   openssl enc -aes-256-ecb -K $(printf %s "$(printf %s $KEY | md5sum | cut -c1-32)" | xxd -p -c 64)
	c := newTestClient(t, "http://127.0.0.1:1")
	n, err := c.ParseRefundNotification(readFixture(t, "refund_notify.xml"))
	require.NoError(t, err)
	assert.Equal(t, &RefundNotification{
		ReturnCode:          "SUCCESS",
		AppID:               testAppID,
		MchID:               testMchID,
		NonceStr:            "TeqClE3i0mvn3DrK",
		TransactionID:       "4200000215201811190261405420",
		OutTradeNo:          "71106718111915575302817",
		RefundID:            "50000408942018111907145868882",
		OutRefundNo:         "131811191610442717309",
		TotalFee:            3960,
		SettlementTotalFee:  3960,
		RefundFee:           3960,
		SettlementRefundFee: 3960,
		RefundStatus:        "SUCCESS",
		SuccessTime:         "2018-11-19 16:24:13",
		RefundRecvAccout:    "支付用户零钱",
		RefundAccount:       "REFUND_SOURCE_RECHARGE_FUNDS",
		RefundRequestSource: "API",
		Raw:                 n.Raw,
	}, n)
	assert.Len(t, n.Raw, 13)

	plain, err := c.DecryptReqInfo(mustParse(t, readFixture(t, "refund_notify.xml"))["req_info"])
	require.NoError(t, err)
	assert.Equal(t, readFixture(t, "refund_notify_reqinfo_plain.xml"), plain)

	// And our own test-side encryption agrees.
	again, err := c.DecryptReqInfo(encryptReqInfo(t, plain, testKey))
	require.NoError(t, err)
	assert.Equal(t, plain, again)
}

func mustParse(t testing.TB, b []byte) map[string]string {
	t.Helper()
	m, err := ParseXML(b)
	require.NoError(t, err)
	return m
}

func TestDecryptReqInfoErrors(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	other, err := NewClient(Config{AppID: testAppID, MchID: testMchID, APIKey: strings.Repeat("z", 32)})
	require.NoError(t, err)
	good := mustParse(t, readFixture(t, "refund_notify.xml"))["req_info"]

	_, err = other.DecryptReqInfo(good)
	require.ErrorIs(t, err, ErrDecrypt)

	// Valid padding, wrong content, is caught by the inner XML parse.
	_, err = c.DecryptReqInfo(encryptReqInfo(t, []byte("hello"), testKey))
	require.NoError(t, err)

	badPad := func(last byte) string {
		block := bytes.Repeat([]byte{'a'}, 16)
		block[15] = last
		enc := encryptReqInfo(t, block, testKey) // adds a full pad block
		raw := mustB64(t, enc)
		return b64(raw[:16]) // drop the pad block: last byte is now `last`
	}
	for name, in := range map[string]string{
		"empty":        "",
		"not base64":   "%%%",
		"short":        b64([]byte("short")),
		"zero pad":     badPad(0),
		"pad > 16":     badPad(17),
		"inconsistent": badPad(3),
	} {
		_, err := c.DecryptReqInfo(in)
		require.ErrorIs(t, err, ErrDecrypt, name)
		assert.NotContains(t, err.Error(), testKey)
	}
	_, err = c.DecryptReqInfo(badPad(3))
	require.ErrorIs(t, err, ErrBadPadding)
}

func TestParseRefundNotificationErrors(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	_, err := c.ParseRefundNotification(readFixture(t, "return_fail.xml"))
	var e *Error
	require.ErrorAs(t, err, &e)

	_, err = c.ParseRefundNotification([]byte(`<xml><return_code>SUCCESS</return_code><mch_id>10000100</mch_id></xml>`))
	require.ErrorIs(t, err, ErrDecrypt)

	_, err = c.ParseRefundNotification([]byte(`<xml><return_code>SUCCESS</return_code><mch_id>99</mch_id></xml>`))
	require.ErrorIs(t, err, ErrMerchantMismatch)

	notJSON := encryptReqInfo(t, []byte("not xml"), testKey)
	_, err = c.ParseRefundNotification([]byte(`<xml><return_code>SUCCESS</return_code><req_info>` + notJSON + `</req_info></xml>`))
	require.ErrorIs(t, err, ErrDecrypt)
	require.ErrorIs(t, err, ErrMalformedXML)

	badFee := encryptReqInfo(t, []byte(`<root><refund_fee>x</refund_fee></root>`), testKey)
	_, err = c.ParseRefundNotification([]byte(`<xml><return_code>SUCCESS</return_code><req_info>` + badFee + `</req_info></xml>`))
	require.ErrorIs(t, err, ErrMalformedResponse)

	_, err = c.ParseRefundNotification(bytes.Repeat([]byte(" "), MaxNotificationBytes+1))
	require.ErrorIs(t, err, ErrBodyTooLarge)
	_, err = c.ParseRefundNotification([]byte("<xml"))
	require.ErrorIs(t, err, ErrMalformedXML)
}

func TestRefundNotificationHandler(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	var got *RefundNotification
	h := c.RefundNotificationHandler(func(_ context.Context, n *RefundNotification) error {
		got = n
		return nil
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/refund", bytes.NewReader(readFixture(t, "refund_notify.xml"))))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, NotifySuccessReply, rec.Body.String())
	require.NotNil(t, got)
	assert.Equal(t, "131811191610442717309", got.OutRefundNo)

	other, err := NewClient(Config{AppID: testAppID, MchID: testMchID, APIKey: strings.Repeat("z", 32)})
	require.NoError(t, err)
	rec = httptest.NewRecorder()
	other.RefundNotificationHandler(func(context.Context, *RefundNotification) error { t.Fatal("called"); return nil }).
		ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/refund", bytes.NewReader(readFixture(t, "refund_notify.xml"))))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
}

func FuzzParsePaymentNotification(f *testing.F) {
	c, err := NewClient(testConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signedNotify(f, SignTypeMD5))
	f.Add(signedNotify(f, SignTypeHMACSHA256))
	f.Add(readFixture(f, "return_fail.xml"))
	f.Add([]byte(`<xml><return_code>SUCCESS</return_code><coupon_count>9999999999</coupon_count><sign>x</sign></xml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := c.ParsePaymentNotification(data)
		if err == nil && n == nil {
			t.Fatal("nil notification without error")
		}
		if err != nil && strings.Contains(err.Error(), testKey) {
			t.Fatal("error leaks the API key")
		}
	})
}

func FuzzDecryptReqInfo(f *testing.F) {
	c, err := NewClient(testConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(mustParse(f, readFixture(f, "refund_notify.xml"))["req_info"])
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAA==")
	f.Add(encryptReqInfo(f, []byte("<root><refund_fee>1</refund_fee></root>"), testKey))
	f.Fuzz(func(t *testing.T, in string) {
		plain, err := c.DecryptReqInfo(in)
		if err != nil {
			if !errors.Is(err, ErrDecrypt) {
				t.Fatalf("error does not match ErrDecrypt: %v", err)
			}
			return
		}
		// Whatever decrypts must re-encrypt to the same ciphertext.
		if got := encryptReqInfo(t, plain, testKey); got != b64(mustB64(t, strings.TrimSpace(in))) {
			t.Fatalf("round trip mismatch")
		}
		_, _ = c.ParseRefundNotification([]byte("<xml><return_code>SUCCESS</return_code><req_info>" + in + "</req_info></xml>"))
	})
}
