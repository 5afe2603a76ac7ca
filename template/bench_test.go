package template_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/template"
)

func BenchmarkMarshalMessage(b *testing.B) {
	msg := docMessage()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mp.MarshalJSON(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseKeys(b *testing.B) {
	content := "{{first.DATA}}\n商品名称:{{keyword1.DATA}}\n支付金额:{{keyword2.DATA}}\n支付时间:{{keyword3.DATA}}\n{{remark.DATA}}"
	b.ReportAllocs()
	for b.Loop() {
		if len(template.ParseKeys(content)) != 5 {
			b.Fatal("keys")
		}
	}
}

func BenchmarkSend(b *testing.B) {
	srv, c := mptest.New(b)
	reply := mptest.Fixture(b, "send.json")
	srv.Mux.HandleFunc("/cgi-bin/message/template/send", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(reply) })
	svc := template.New(c)
	msg := docMessage()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Send(ctx, msg); err != nil {
			b.Fatal(err)
		}
	}
}
