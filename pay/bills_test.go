package pay_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/wxkit/mp/pay"
)

const billToken = "6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO"

func readBill(t *testing.T) []byte {
	b, err := os.ReadFile("testdata/tradebill.csv")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// billServer serves the bill file unsigned, as WeChat Pay does, gzipped when
// the token says so.
func billServer(t *testing.T, bill []byte) *fakePay {
	f := newFakePay(t)
	f.handleFunc("GET /v3/billdownload/file", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("token") == "missing" {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"code":"NO_STATEMENT_EXIST","message":"账单文件不存在"}`))
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		if r.URL.Query().Get("gz") == "1" {
			zw := gzip.NewWriter(w)
			_, _ = zw.Write(bill)
			_ = zw.Close()
			return
		}
		_, _ = w.Write(bill)
	})
	return f
}

func sha1Hex(b []byte) string {
	s := sha1.Sum(b)
	return hex.EncodeToString(s[:])
}

func TestTradeBillAndDownload(t *testing.T) {
	t.Parallel()
	bill := readBill(t)
	f := billServer(t, bill)
	dl := f.srv.URL + "/v3/billdownload/file?token=" + billToken
	f.handle("GET /v3/bill/tradebill", 200, `{"hash_type":"SHA1","hash_value":"`+sha1Hex(bill)+`","download_url":"`+dl+`"}`)
	c := f.client(t)
	ctx := context.Background()
	b, err := c.TradeBill(ctx, &pay.TradeBillRequest{BillDate: "2027-02-28", BillType: pay.BillTypeAll})
	if err != nil {
		t.Fatal(err)
	}
	if b.HashType != "SHA1" || b.DownloadURL != dl || b.TarType != "" {
		t.Fatalf("%+v", b)
	}
	var buf bytes.Buffer
	n, err := c.DownloadBill(ctx, b, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(bill)) || !bytes.Equal(buf.Bytes(), bill) {
		t.Fatalf("downloaded %d bytes", n)
	}
	rs := f.requests()
	if rs[0].Path != "/v3/bill/tradebill" || rs[0].Query != "bill_date=2027-02-28&bill_type=ALL" {
		t.Fatalf("%+v", rs[0])
	}
	// The download is a signed GET of the exact URL (checked by the fake
	// server's Authorization check) and its unsigned answer is accepted.
	if rs[1].Method != "GET" || rs[1].Path != "/v3/billdownload/file" || rs[1].Query != "token="+billToken || rs[1].Header.Get("Authorization") == "" {
		t.Fatalf("%+v", rs[1])
	}
}

func TestDownloadBillBadHash(t *testing.T) {
	t.Parallel()
	bill := readBill(t)
	f := billServer(t, bill)
	c := f.client(t)
	b := &pay.Bill{HashType: "SHA1", HashValue: sha1Hex([]byte("something else")), DownloadURL: f.srv.URL + "/v3/billdownload/file?token=x"}
	var buf bytes.Buffer
	_, err := c.DownloadBill(context.Background(), b, &buf)
	if !errors.Is(err, pay.ErrBillHashMismatch) {
		t.Fatalf("err = %v", err)
	}
	// Documented: the writer has received the (untrusted) data.
	if buf.Len() != len(bill) {
		t.Fatalf("writer got %d bytes", buf.Len())
	}
}

func TestFundFlowBillGzip(t *testing.T) {
	t.Parallel()
	bill := readBill(t)
	f := billServer(t, bill)
	dl := f.srv.URL + "/v3/billdownload/file?token=" + billToken + "&gz=1"
	f.handle("GET /v3/bill/fundflowbill", 200, `{"hash_type":"SHA1","hash_value":"`+strings.ToUpper(sha1Hex(bill))+`","download_url":"`+dl+`"}`)
	c := f.client(t)
	ctx := context.Background()
	b, err := c.FundFlowBill(ctx, &pay.FundFlowBillRequest{BillDate: "2027-02-28", AccountType: pay.AccountTypeBasic, TarType: pay.TarTypeGZIP})
	if err != nil {
		t.Fatal(err)
	}
	if b.TarType != "GZIP" {
		t.Fatalf("%+v", b)
	}
	var buf bytes.Buffer
	if _, err := c.DownloadBill(ctx, b, &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), bill) {
		t.Fatal("gunzipped content differs")
	}
	if q := f.requests()[0].Query; q != "account_type=BASIC&bill_date=2027-02-28&tar_type=GZIP" {
		t.Fatalf("query %q", q)
	}
	// GZIP declared but plain data served.
	b.DownloadURL = f.srv.URL + "/v3/billdownload/file?token=plain"
	if _, err := c.DownloadBill(ctx, b, &buf); err == nil {
		t.Fatal("plain data accepted as gzip")
	}
}

func TestBillErrors(t *testing.T) {
	t.Parallel()
	f := billServer(t, readBill(t))
	c := f.client(t)
	ctx := context.Background()
	var ae *pay.ArgumentError
	for _, err := range []error{
		func() error { _, err := c.TradeBill(ctx, &pay.TradeBillRequest{BillDate: "20270228"}); return err }(),
		func() error { _, err := c.TradeBill(ctx, nil); return err }(),
		func() error {
			_, err := c.TradeBill(ctx, &pay.TradeBillRequest{BillDate: "2027-02-28", TarType: "ZIP"})
			return err
		}(),
		func() error { _, err := c.FundFlowBill(ctx, &pay.FundFlowBillRequest{}); return err }(),
		func() error { _, err := c.FundFlowBill(ctx, nil); return err }(),
		func() error {
			_, err := c.FundFlowBill(ctx, &pay.FundFlowBillRequest{BillDate: "2027-02-28", TarType: "x"})
			return err
		}(),
		func() error { _, err := c.DownloadBill(ctx, nil, &bytes.Buffer{}); return err }(),
		func() error {
			_, err := c.DownloadBill(ctx, &pay.Bill{HashType: "SHA1", DownloadURL: f.srv.URL}, nil)
			return err
		}(),
		func() error {
			_, err := c.DownloadBill(ctx, &pay.Bill{HashType: "MD5", DownloadURL: f.srv.URL}, &bytes.Buffer{})
			return err
		}(),
		// Signed requests are not sent to other plain-http hosts.
		func() error {
			_, err := c.DownloadBill(ctx, &pay.Bill{HashType: "SHA1", DownloadURL: "http://evil.example/v3/billdownload/file"}, &bytes.Buffer{})
			return err
		}(),
		func() error {
			_, err := c.DownloadBill(ctx, &pay.Bill{HashType: "SHA1", DownloadURL: "/relative"}, &bytes.Buffer{})
			return err
		}(),
	} {
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v", err)
		}
	}
	var apiErr *pay.APIError
	_, err := c.DownloadBill(ctx, &pay.Bill{HashType: "SHA1", DownloadURL: f.srv.URL + "/v3/billdownload/file?token=missing"}, &bytes.Buffer{})
	if !errors.As(err, &apiErr) || apiErr.Code != "NO_STATEMENT_EXIST" {
		t.Fatalf("err = %v", err)
	}
	if len(f.requests()) != 1 {
		t.Fatalf("%d requests sent", len(f.requests()))
	}
}
