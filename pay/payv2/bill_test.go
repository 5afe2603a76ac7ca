package payv2

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDownloadBill(t *testing.T) {
	t.Parallel()
	bill := readFixture(t, "bill_all.csv")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(bill)
	require.NoError(t, zw.Close())

	fs := newFakeServer(t, testKey)
	fs.on("/pay/downloadbill", bill, gz.Bytes(), gz.Bytes(), readFixture(t, "downloadbill_fail.xml"))
	c := newTestClient(t, fs.URL)
	ctx := context.Background()

	var out bytes.Buffer
	n, err := c.DownloadBill(ctx, &DownloadBillRequest{BillDate: "20141110"}, &out)
	require.NoError(t, err)
	assert.Equal(t, int64(len(bill)), n)
	assert.Equal(t, bill, out.Bytes())
	r := fs.requests()[0]
	assertRequest(t, r, "/pay/downloadbill")
	assert.Equal(t, "20141110", r.Params["bill_date"])
	assert.Equal(t, "ALL", r.Params["bill_type"])
	assert.NotContains(t, r.Params, "tar_type")

	// GZIP kept compressed.
	out.Reset()
	_, err = c.DownloadBill(ctx, &DownloadBillRequest{BillDate: "20141110", BillType: BillTypeSuccess, TarType: "GZIP"}, &out)
	require.NoError(t, err)
	assert.Equal(t, gz.Bytes(), out.Bytes())
	assert.Equal(t, "GZIP", fs.requests()[1].Params["tar_type"])
	assert.Equal(t, "SUCCESS", fs.requests()[1].Params["bill_type"])

	// GZIP decompressed on the fly.
	out.Reset()
	_, err = c.DownloadBill(ctx, &DownloadBillRequest{BillDate: "20141110", TarType: "GZIP", Decompress: true}, &out)
	require.NoError(t, err)
	assert.Equal(t, bill, out.Bytes())
	assert.NotContains(t, fs.requests()[2].Params, "Decompress")

	// Failure is XML.
	out.Reset()
	_, err = c.DownloadBill(ctx, &DownloadBillRequest{BillDate: "20141110"}, &out)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, &Error{ReturnCode: "FAIL", ReturnMsg: "No Bill Exist", ErrCode: "20002"}, e)
	assert.Zero(t, out.Len())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestDownloadBillErrors(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	ctx := context.Background()
	var out bytes.Buffer
	for _, req := range []*DownloadBillRequest{
		nil, {BillDate: "2014-11-10"}, {BillDate: "20141110", BillType: "X"}, {BillDate: "20141110", TarType: "ZIP"},
	} {
		_, err := c.DownloadBill(ctx, req, &out)
		require.ErrorIs(t, err, ErrInvalidParam)
	}
	_, err := c.DownloadBill(ctx, &DownloadBillRequest{BillDate: "20141110"}, nil)
	require.ErrorIs(t, err, ErrInvalidParam)

	fs := newFakeServer(t, testKey)
	fs.on("/pay/downloadbill", readFixture(t, "bill_all.csv"), []byte("not gzip"))
	c = newTestClient(t, fs.URL)
	_, err = c.DownloadBill(ctx, &DownloadBillRequest{BillDate: "20141110"}, failingWriter{})
	require.ErrorContains(t, err, "disk full")
	_, err = c.DownloadBill(ctx, &DownloadBillRequest{BillDate: "20141110", TarType: "GZIP", Decompress: true}, &out)
	require.ErrorContains(t, err, "gzip")

	_, err = newTestClient(t, newFakeServer(t, testKey).URL).DownloadBill(ctx, &DownloadBillRequest{BillDate: "20141110"}, &out)
	var he *HTTPError
	require.ErrorAs(t, err, &he)
}
