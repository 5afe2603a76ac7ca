package token_test

import (
	"log/slog"

	"github.com/wxkit/mp/internal/syncbuf"
)

func newLogger(w *syncbuf.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
