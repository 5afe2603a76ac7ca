package sim

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkSendText(b *testing.B) {
	s := newSim(b, Options{})
	newDevServer(b, s, func(p pushed) string { return textReply(p, "ok") })
	u := s.NewUser("Bench")
	if _, err := u.Follow(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.SendText(context.Background(), "hello"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSendTextSafeMode(b *testing.B) {
	s := newSim(b, Options{SafeMode: true})
	newDevServer(b, s, func(p pushed) string { return textReply(p, "ok") })
	u := s.NewUser("Bench")
	if _, err := u.Follow(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.SendText(context.Background(), "hello"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseReply(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "reply_news.xml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseReply(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateMenu(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, code := parseMenu([]byte(docMenu), nil); code != 0 {
			b.Fatal(code)
		}
	}
}
