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
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/go-querystring/query"

	"github.com/wxkit/mp/internal/redact"
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

// readBody reads a JSON answer, sized from Content-Length when the server
// sent one (a 300 KB follower page is one allocation, not a doubling
// series), capped at the client's limit.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	tooBig := func() error { return fmt.Errorf("mp: response body exceeds %d bytes", c.maxBody) }
	var data []byte
	if n := resp.ContentLength; n <= 0 {
		data = make([]byte, 0, 512)
	} else {
		if n > c.maxBody {
			return nil, tooBig()
		}
		data = make([]byte, n, n+1)
		if _, err := io.ReadFull(resp.Body, data); err != nil {
			return nil, err
		}
		// Read to EOF: net/http then reuses the connection at once. A
		// hand-made response may hold more than announced: read on.
	}
	for {
		if len(data) == cap(data) {
			// Double: fewer, larger steps than append's 1.25x.
			grown := make([]byte, len(data), 2*cap(data))
			copy(grown, data)
			data = grown
		}
		n, err := resp.Body.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if int64(len(data)) > c.maxBody {
			return nil, tooBig()
		}
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// decodeJSON checks errcode, then decodes data into out.
func decodeJSON(data []byte, out any, method, path string) error {
	// Most answers have no errcode: skip the envelope pass for them.
	if bytes.Contains(data, []byte(`"errcode"`)) {
		var env envelope
		if err := json.Unmarshal(data, &env); err != nil {
			return newDecodeError(method, path, err, data)
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
		return newDecodeError(method, path, err, data)
	}
	return nil
}

// newDecodeError quotes the start of the body with every credential masked
// (an access_token or a user's refresh_token of an answer that failed to
// decode), and strips the literals encoding/json copies into its message.
func newDecodeError(method, path string, err error, data []byte) *DecodeError {
	_, secrets := redact.JSON(data)
	return &DecodeError{Method: method, Path: path, Err: redact.JSONError(err, secrets), Body: snippet(data)}
}

// snippet is the start of a body for an error message, credentials masked.
func snippet(b []byte) string { return redact.Snippet(b, 128) }

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

// queryParts is the query of a call without access_token: a map of
// strings is kept as is and encoded straight into the request URL (one
// allocation for URL and query), anything else is encoded once.
type queryParts struct {
	raw string
	m   map[string]string
}

func encodeQuery(q any) (queryParts, error) {
	switch v := q.(type) {
	case nil:
		return queryParts{}, nil
	case url.Values:
		return queryParts{raw: v.Encode()}, nil
	case map[string][]string:
		return queryParts{raw: url.Values(v).Encode()}, nil
	case map[string]string:
		return queryParts{m: v}, nil
	default:
		vs, err := query.Values(q)
		if err != nil {
			return queryParts{}, err
		}
		return queryParts{raw: vs.Encode()}, nil
	}
}

// buildURL writes base, path, the query and the token into one string.
func buildURL(base, path string, q queryParts, tok string) string {
	n := len(base) + len(path) + len(q.raw) + len(tok) + len("?&access_token=")
	for k, v := range q.m {
		n += len(k) + len(v) + 2
	}
	var b strings.Builder
	b.Grow(n + n/8)
	b.WriteString(base)
	b.WriteString(path)
	sep := byte('?')
	if strings.IndexByte(path, '?') >= 0 {
		sep = '&'
	}
	if q.raw != "" {
		b.WriteByte(sep)
		b.WriteString(q.raw)
		sep = '&'
	}
	if len(q.m) > 0 {
		var small [8]string
		keys := small[:0]
		for k := range q.m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			b.WriteByte(sep)
			writeEscaped(&b, k)
			b.WriteByte('=')
			writeEscaped(&b, q.m[k])
			sep = '&'
		}
	}
	if tok != "" {
		b.WriteByte(sep)
		b.WriteString("access_token=")
		writeEscaped(&b, tok)
	}
	return b.String()
}

// writeEscaped writes s escaped as url.QueryEscape does.
func writeEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if shouldEscape(s[i]) {
			b.WriteString(url.QueryEscape(s))
			return
		}
	}
	b.WriteString(s)
}

// shouldEscape reports whether url.QueryEscape changes c.
func shouldEscape(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return false
	case c == '-' || c == '_' || c == '.' || c == '~':
		return false
	}
	return true
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
		}
		target := buildURL(base, path, q, tok)
		var res attemptResult
		if c.observer == nil {
			res = c.once(ctx, method, path, target, body, form, handle, attempt)
		} else {
			start := time.Now()
			res = c.once(ctx, method, path, target, body, form, handle, attempt)
			c.observe(ctx, method, path, attempt, start, body, form, res)
		}
		err = res.err
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

// attemptResult is what one attempt reports to the loop and the observer.
type attemptResult struct {
	err           error
	status        int
	responseBytes int64
}

// userAgent is shared by every request: the transport only reads it.
var userAgent = []string{UserAgent}

// jsonContentType is the Content-Type of a JSON body.
var jsonContentType = []string{"application/json; charset=utf-8"}

// once sends one attempt and hands a 200 answer to handle.
func (c *Client) once(ctx context.Context, method, path, target string, body []byte, form *formBody,
	handle responseHandler, attempt int) (res attemptResult) {
	var rd io.Reader
	var length int64
	var contentType []string
	switch {
	case form != nil:
		rd, length, contentType = form.reader(), form.length, []string{form.contentType}
	case body != nil:
		rd, length, contentType = bytes.NewReader(body), int64(len(body)), jsonContentType
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		res.err = redactError(fmt.Errorf("mp: %s %s: %w", method, path, err), c.secrets(target)...)
		return res
	}
	if rd != nil {
		req.ContentLength = length // -1: chunked
		req.Header["Content-Type"] = contentType
	}
	req.Header["User-Agent"] = userAgent
	var start time.Time
	debug := c.logger.Enabled(ctx, slog.LevelDebug)
	if debug {
		start = time.Now()
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			res.err = fmt.Errorf("mp: %s %s: %w", method, path, ctx.Err())
			return res
		}
		res.err = &transportError{redactError(err, c.secrets(req.URL.RawQuery)...)}
		return res
	}
	res.status = resp.StatusCode
	var counted *countingBody
	if c.observer != nil {
		counted = &countingBody{r: resp.Body}
		resp.Body = counted
	}
	defer func() {
		drain(resp.Body)
		_ = resp.Body.Close()
		if counted != nil {
			res.responseBytes = counted.n
		}
	}()
	if debug {
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
				res.err = apiErr
				return res
			}
		}
		res.err = &HTTPError{StatusCode: resp.StatusCode, Method: method, Path: path, Body: maskAll(snippet(data), c.secrets(req.URL.RawQuery))}
		return res
	}
	if err := handle(method, path, resp); err != nil {
		res.err = c.handleError(err, method, path, req.URL.RawQuery)
	}
	return res
}

// handleError types a failure of the response handler.
func (c *Client) handleError(err error, method, path, rawQuery string) error {
	var se *streamError
	if errors.As(err, &se) {
		return err
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return err
	}
	var de *DecodeError
	if errors.As(err, &de) {
		// The body may echo a credential of the query (a user's
		// access_token on /sns/userinfo).
		de.Body = maskAll(de.Body, c.secrets(rawQuery))
		de.Err = redact.JSONError(de.Err, c.secrets(rawQuery))
		return err
	}
	// A failure while reading the body is a transport failure.
	return &transportError{redactError(fmt.Errorf("mp: %s %s: reading response: %w", method, path, err), c.secrets(rawQuery)...)}
}

// countingBody counts the bytes read from a response body, for the
// observer.
type countingBody struct {
	r io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

func (b *countingBody) Close() error { return b.r.Close() }

var drainBuf = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

// drain reads what is left of a body (up to 64 KiB) so the connection can
// be reused; a body already read to its end costs one Read.
func drain(r io.Reader) {
	bp := drainBuf.Get().(*[]byte)
	defer drainBuf.Put(bp)
	for total := 0; total < 64<<10; {
		n, err := r.Read(*bp)
		total += n
		if err != nil {
			return
		}
	}
}

// secrets lists the credential values of this call, masked from errors.
// Only failures pay for parsing the query. rawQuery may be a whole URL.
func (c *Client) secrets(rawQuery string) []string {
	if _, after, ok := strings.Cut(rawQuery, "?"); ok {
		rawQuery = after
	}
	q, _ := url.ParseQuery(rawQuery)
	return []string{q.Get("access_token"), c.cfg.AppSecret, q.Get("secret"), q.Get("refresh_token")}
}
