package customer_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/wxkit/mp/customer"
	"github.com/wxkit/mp/internal/mptest"
)

func BenchmarkEncodeMessage(b *testing.B) {
	msg := customer.Text{Content: `您的订单已发货，<a href="https://example.com/o?id=1&s=2">点击查看</a>`}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := customer.EncodeMessage("oDF3iY9WMaswOPWjCIp_f3Bnpljk", msg, customer.WithKFAccount("test1@kftest")); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSend(b *testing.B) {
	srv, c := mptest.New(b)
	ok := mptest.Fixture(b, "ok.json")
	srv.Mux.HandleFunc("/cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(ok) })
	svc := customer.New(c)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := svc.SendText(ctx, "OPENID", "hello"); err != nil {
			b.Fatal(err)
		}
	}
}
