package pay_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wxkit/mp/pay"
)

// FuzzDecodeAPIError feeds arbitrary non-2xx bodies; they must always become
// a well-formed *APIError.
func FuzzDecodeAPIError(f *testing.F) {
	f.Add(400, []byte(`{"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/amount/total"}}`))
	f.Add(500, []byte(`<html>`))
	f.Add(404, []byte(``))
	f.Add(403, []byte(strings.Repeat("\xff", 300)))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 300 || status > 599 {
			status = 400
		}
		c, err := pay.NewClient(testConfig(), pay.WithHTTPClient(staticDoer(status, nil, body)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.QueryOrderByID(context.Background(), "1")
		var ae *pay.APIError
		if !errors.As(err, &ae) || ae.StatusCode != status {
			t.Fatalf("err = %v", err)
		}
		if !utf8.ValidString(ae.Error()) && utf8.Valid(body) {
			t.Fatalf("invalid UTF-8 in %q", ae.Error())
		}
	})
}

func TestErrorStrings(t *testing.T) {
	t.Parallel()
	if got := (&pay.ConfigError{Field: "APIv3Key", Reason: "bad"}).Error(); got != "wechatpay: invalid config APIv3Key: bad" {
		t.Fatal(got)
	}
	if got := (&pay.ArgumentError{Name: "out_trade_no", Reason: "required"}).Error(); got != "wechatpay: invalid argument out_trade_no: required" {
		t.Fatal(got)
	}
	if got := (&pay.APIError{StatusCode: 500}).Error(); got != "wechatpay: HTTP 500" {
		t.Fatal(got)
	}
	c, _ := pay.NewClient(testConfig(), pay.WithHTTPClient(staticDoer(503, nil, nil)))
	_, err := c.QueryOrderByID(context.Background(), "1")
	var ae *pay.APIError
	if !errors.As(err, &ae) || ae.Message != "Service Unavailable" {
		t.Fatalf("err = %v", err)
	}
	if got := pay.FormatTime(time.Date(2018, 6, 8, 10, 34, 56, 0, time.FixedZone("CST", 8*3600))); got != "2018-06-08T10:34:56+08:00" {
		t.Fatal(got)
	}
	if got := pay.FormatTime(time.Date(2018, 6, 8, 2, 34, 56, 0, time.UTC)); got != "2018-06-08T10:34:56+08:00" {
		t.Fatal(got)
	}
}

func TestResponseTooLargeAndBadJSON(t *testing.T) {
	t.Parallel()
	fx := loadFixtures()
	big := make([]byte, 9<<20)
	c, _ := pay.NewClient(testConfig(), pay.WithHTTPClient(staticDoer(200, nil, big)))
	if _, err := c.QueryOrderByID(context.Background(), "1"); err == nil {
		t.Fatal("oversized body accepted")
	}
	body := []byte(`{"trade_state":1}`)
	c2, _ := pay.NewClient(testConfig(), pay.WithClock(testClock), pay.WithPlatformCertificate(fx.platCert),
		pay.WithHTTPClient(staticDoer(200, signedHeader(fx.platKey, testPlatSerial, testNow, body), body)))
	if _, err := c2.QueryOrderByID(context.Background(), "1"); err == nil || !strings.Contains(err.Error(), "decoding response") {
		t.Fatalf("err = %v", err)
	}
}
