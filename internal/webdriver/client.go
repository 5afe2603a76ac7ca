package webdriver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// maxResponse bounds a response body; a full-window screenshot is far below.
const maxResponse = 64 << 20

// client sends WebDriver commands to one remote end.
type client struct {
	base    string // e.g. http://127.0.0.1:9515
	http    *http.Client
	timeout time.Duration
	log     *slog.Logger
}

func newClient(base string, timeout time.Duration, logger *slog.Logger) *client {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &client{
		base: base,
		// Each call's context bounds it (see Session.cmd).
		http:    &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4}},
		timeout: timeout,
		log:     logger,
	}
}

// do sends one command. body is JSON-encoded when not nil; POST commands
// without parameters must still send an object, so callers pass
// struct{}{} there. label names the command in errors.
func (c *client) do(ctx context.Context, method, path, label string, body any) (json.RawMessage, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("webdriver: %s: encode parameters: %w", label, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("webdriver: %s: %w", label, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("webdriver: %s: %w", label, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("webdriver: %s: read response: %w", label, err)
	}
	if len(data) > maxResponse {
		return nil, &ProtocolError{Status: resp.StatusCode, Command: label, Reason: "response too large", Body: clip(data)}
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "webdriver command",
		slog.String("method", method), slog.String("path", path),
		slog.Int("status", resp.StatusCode), slog.Duration("took", time.Since(start)))
	return decodeResponse(label, resp.StatusCode, data)
}

func (c *client) close() { c.http.CloseIdleConnections() }
