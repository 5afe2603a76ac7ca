package mp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
)

// Request describes one API call. Families fill it and hand it to
// [Client.Do] or [Client.Download].
type Request struct {
	Method string // "GET" or "POST"; empty means GET without a body, POST with one
	Path   string // endpoint path such as "/cgi-bin/user/info"
	// Query holds query parameters: url.Values (or map[string][]string,
	// map[string]string), or a struct with `url` tags (go-querystring).
	// access_token is added by the client.
	Query any
	// Body is sent as JSON without HTML escaping. []byte and
	// json.RawMessage are sent as they are.
	Body any
	// Form sends a streamed multipart/form-data body instead of Body.
	Form *Multipart
	// NoToken leaves access_token out (token endpoints, and the web
	// authorization APIs that carry a user's token in Query).
	NoToken bool
	// Idempotent allows retrying a POST after a timeout or a 5xx. GETs are
	// always idempotent.
	Idempotent bool
	// BaseURL overrides the API host for this call.
	BaseURL string
}

func (r *Request) method() string {
	switch {
	case r.Method != "":
		return r.Method
	case r.Body != nil || r.Form != nil:
		return http.MethodPost
	default:
		return http.MethodGet
	}
}

// envelope is WeChat's error part of every JSON answer.
type envelope struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Do sends r and decodes the JSON answer into out (which may be nil). An
// errcode other than 0 becomes an *APIError.
func (c *Client) Do(ctx context.Context, r *Request, out any) error {
	return c.execute(ctx, r, func(method, path string, resp *http.Response) error {
		data, err := c.readBody(resp)
		if err != nil {
			return err
		}
		return decodeJSON(data, out, method, path)
	})
}

// Download describes a streamed download.
type Download struct {
	ContentType string
	FileName    string // from Content-Disposition, when sent
	Written     int64  // bytes written to the writer
	// JSON is true when the endpoint answered with JSON instead of a file
	// (a video's download URL, for example); the answer was decoded into
	// the jsonOut argument of Download and nothing was written.
	JSON bool
}

// Download sends r and streams a binary answer to w without buffering it.
// A JSON (or text) answer is decoded instead: an errcode becomes an
// *APIError, anything else is decoded into jsonOut (if not nil) and reported
// with Download.JSON. Retries happen only before the first byte reaches w.
func (c *Client) Download(ctx context.Context, r *Request, w io.Writer, jsonOut any) (*Download, error) {
	var d Download
	err := c.execute(ctx, r, func(method, path string, resp *http.Response) error {
		d.ContentType = resp.Header.Get("Content-Type")
		if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
			d.FileName = params["filename"]
		}
		if isJSONish(d.ContentType) {
			data, err := c.readBody(resp)
			if err != nil {
				return err
			}
			if err := decodeJSON(data, jsonOut, method, path); err != nil {
				return err
			}
			d.JSON = true
			return nil
		}
		n, err := io.Copy(w, resp.Body)
		d.Written = n
		if err != nil {
			return &streamError{fmt.Errorf("mp: %s %s: streaming the download: %w", method, path, err)}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// streamError marks a failure after bytes reached the caller's writer: it is
// never retried.
type streamError struct{ err error }

func (e *streamError) Error() string { return e.err.Error() }
func (e *streamError) Unwrap() error { return e.err }

func isJSONish(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/json" || mt == "text/plain" || mt == "text/json" || mt == ""
}

func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > c.maxBody {
		return nil, fmt.Errorf("mp: response body exceeds %d bytes", c.maxBody)
	}
	return data, nil
}

// decodeJSON checks errcode, then decodes data into out.
func decodeJSON(data []byte, out any, method, path string) error {
	// Most answers have no errcode: skip the envelope pass for them.
	if bytes.Contains(data, []byte(`"errcode"`)) {
		var env envelope
		if err := json.Unmarshal(data, &env); err != nil {
			return &DecodeError{Method: method, Path: path, Err: err, Body: snippet(data)}
		}
		if env.ErrCode != nil && *env.ErrCode != 0 {
			e := newAPIError(*env.ErrCode, env.ErrMsg, method, path)
			e.Raw = append(json.RawMessage(nil), data...)
			return e
		}
	}
	if out == nil {
		return nil
	}
	if raw, ok := out.(*[]byte); ok {
		*raw = append((*raw)[:0], data...)
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &DecodeError{Method: method, Path: path, Err: err, Body: snippet(data)}
	}
	return nil
}

func snippet(b []byte) string {
	const n = 128
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// MarshalJSON encodes v the way WeChat wants it: no HTML escaping of <, >
// and &, raw UTF-8, no trailing newline.
func MarshalJSON(v any) ([]byte, error) {
	switch b := v.(type) {
	case []byte:
		return b, nil
	case json.RawMessage:
		return b, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func encodeQuery(q any) (url.Values, error) {
	switch v := q.(type) {
	case nil:
		return url.Values{}, nil
	case url.Values:
		return copyValues(v), nil
	case map[string][]string:
		return copyValues(v), nil
	case map[string]string:
		c := make(url.Values, len(v)+1)
		for k, s := range v {
			c.Set(k, s)
		}
		return c, nil
	default:
		return query.Values(q)
	}
}

func copyValues(v map[string][]string) url.Values {
	c := make(url.Values, len(v)+1)
	for k, vs := range v {
		c[k] = vs
	}
	return c
}

type responseHandler func(method, path string, resp *http.Response) error

// execute is the one request path: token, encoding, sending, the token
// retry, transient retries and error typing all live here.
func (c *Client) execute(ctx context.Context, r *Request, handle responseHandler) error {
	method := r.method()
	path := r.Path
	q, err := encodeQuery(r.Query)
	if err != nil {
		return fmt.Errorf("mp: %s %s: encoding query: %w", method, path, err)
	}
	var body []byte
	if r.Body != nil && r.Form == nil {
		if body, err = MarshalJSON(r.Body); err != nil {
			return fmt.Errorf("mp: %s %s: encoding body: %w", method, path, err)
		}
	}
	var form *formBody
	if r.Form != nil {
		if form, err = newFormBody(r.Form); err != nil {
			return fmt.Errorf("mp: %s %s: %w", method, path, err)
		}
	}
	idempotent := r.Idempotent || method == http.MethodGet
	base := c.base
	if r.BaseURL != "" {
		base = strings.TrimRight(r.BaseURL, "/")
	}
	tokenRetried := false
	for attempt := 1; ; attempt++ {
		tok := ""
		if !r.NoToken {
			if tok, err = c.tokens.Token(ctx); err != nil {
				return fmt.Errorf("mp: %s %s: getting access_token: %w", method, path, err)
			}
			q.Set("access_token", tok)
		}
		err = c.once(ctx, method, base, path, q, body, form, handle, attempt)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		var apiErr *APIError
		isAPI := errors.As(err, &apiErr)
		switch {
		case isAPI && apiErr.Code.IsTokenError() && !r.NoToken && !tokenRetried && form.replayable():
			// The token was rejected: have it replaced (once for a
			// whole burst of such answers) and try again, once.
			tokenRetried = true
			attempt--
			if ierr := c.tokens.Invalidate(ctx, tok); ierr != nil {
				return fmt.Errorf("%w (refreshing the rejected token failed: %w)", err, ierr)
			}
			if err := form.rewind(); err != nil {
				return err
			}
			continue
		case attempt >= c.retry.MaxAttempts || !form.replayable():
			return err
		case isAPI && apiErr.Code == CodeSystemBusy:
		case isHTTPRetryable(err) && idempotent:
		case isTransport(err) && transportRetryable(err, idempotent):
		default:
			return err
		}
		c.logger.LogAttrs(ctx, slog.LevelWarn, "wechat api: retrying", slog.String("method", method),
			slog.String("path", path), slog.Int("attempt", attempt), slog.String("error", err.Error()))
		if werr := c.retry.wait(ctx, attempt); werr != nil {
			return err
		}
		if err := form.rewind(); err != nil {
			return err
		}
	}
}

// transportError marks a failure of http.Client.Do (already redacted).
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

func isTransport(err error) bool {
	var t *transportError
	return errors.As(err, &t)
}

func isHTTPRetryable(err error) bool {
	var h *HTTPError
	return errors.As(err, &h) && (h.StatusCode >= 500 || h.StatusCode == http.StatusTooManyRequests)
}

// once sends one attempt and hands a 200 answer to handle.
func (c *Client) once(ctx context.Context, method, base, path string, q url.Values, body []byte, form *formBody,
	handle responseHandler, attempt int) error {
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	var length int64
	contentType := ""
	switch {
	case form != nil:
		rd, length, contentType = form.reader(), form.length, form.contentType
	case body != nil:
		rd, length, contentType = bytes.NewReader(body), int64(len(body)), "application/json; charset=utf-8"
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return redactError(fmt.Errorf("mp: %s %s: %w", method, path, err), c.secrets(q)...)
	}
	if rd != nil {
		req.ContentLength = length // -1: chunked
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "wxkit-mp")
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("mp: %s %s: %w", method, path, ctx.Err())
		}
		return &transportError{redactError(err, c.secrets(q)...)}
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}()
	if c.logger.Enabled(ctx, slog.LevelDebug) {
		c.logger.LogAttrs(ctx, slog.LevelDebug, "wechat api", slog.String("method", method),
			slog.String("url", RedactURL(req.URL)), slog.Int("status", resp.StatusCode),
			slog.Int("attempt", attempt), slog.Duration("elapsed", time.Since(start)))
	}
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		// Some gateways answer errcode JSON with a non-200 status.
		if err := decodeJSON(data, nil, method, path); err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				return apiErr
			}
		}
		return &HTTPError{StatusCode: resp.StatusCode, Method: method, Path: path, Body: maskAll(snippet(data), c.secrets(q))}
	}
	if err := handle(method, path, resp); err != nil {
		var se *streamError
		if errors.As(err, &se) {
			return err
		}
		var apiErr *APIError
		var de *DecodeError
		if errors.As(err, &apiErr) || errors.As(err, &de) {
			return err
		}
		// A failure while reading the body is a transport failure.
		return &transportError{redactError(fmt.Errorf("mp: %s %s: reading response: %w", method, path, err), c.secrets(q)...)}
	}
	return nil
}

// secrets lists the credential values of this call, masked from errors.
func (c *Client) secrets(q url.Values) []string {
	return []string{q.Get("access_token"), c.cfg.AppSecret, q.Get("secret"), q.Get("refresh_token")}
}
