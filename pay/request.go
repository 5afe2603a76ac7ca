package pay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// maxResponseBytes caps JSON response bodies read into memory.
const maxResponseBytes = 8 << 20

// apiRequest describes one APIv3 call; Client.do performs every call.
type apiRequest struct {
	method   string
	path     string     // escaped path below the base URL, e.g. "/v3/pay/transactions/jsapi"
	query    url.Values // optional query
	body     any        // JSON-encoded when non-nil
	rawURL   string     // absolute URL used instead of base URL + path (bill download)
	serial   string     // Wechatpay-Serial for a request with encrypted fields
	noVerify bool       // the response is not signed (bill download)
	// verifier replaces the default response verification (platform
	// certificate bootstrap).
	verifier func(header http.Header, body []byte) error
}

// apiResponse is a fully read, verified 2xx response.
type apiResponse struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// buildRequest encodes, signs and returns the HTTP request.
func (c *Client) buildRequest(ctx context.Context, r *apiRequest) (*http.Request, error) {
	if ctx == nil {
		return nil, &ArgumentError{Name: "ctx", Reason: "nil context"}
	}
	var body []byte
	if r.body != nil {
		// Without HTML escaping, so that "<", ">" and "&" in descriptions
		// are sent as is; the signature covers these exact bytes.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r.body); err != nil {
			return nil, fmt.Errorf("wechatpay: encoding request: %w", err)
		}
		body = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	target := r.rawURL
	if target == "" {
		target = c.baseURL + r.path
		if len(r.query) > 0 {
			target += "?" + r.query.Encode()
		}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: building request: %w", err)
	}
	nonce, err := c.nonce()
	if err != nil {
		return nil, err
	}
	// The signed URL is the request target exactly as it goes on the wire.
	auth, err := c.authorization(r.method, req.URL.RequestURI(), body, c.clock().Unix(), nonce)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: signing request: %w", err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgentStr)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.serial != "" {
		req.Header.Set(HeaderSerial, r.serial)
	} else if id := c.keys.PublicKeyID(); id != "" {
		req.Header.Set(HeaderSerial, id)
	}
	return req, nil
}

// send signs and sends r and returns the response with its body unread.
func (c *Client) send(ctx context.Context, r *apiRequest) (*http.Response, error) {
	return c.sendStats(ctx, r, nil)
}

// sendStats is send, filling st (when not nil) for the observer.
func (c *Client) sendStats(ctx context.Context, r *apiRequest, st *callStats) (*http.Response, error) {
	req, err := c.buildRequest(ctx, r)
	if err != nil {
		return nil, err
	}
	if st != nil {
		st.path, st.requestBytes = req.URL.Path, req.ContentLength
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: %s %s: %w", r.method, req.URL.Path, err)
	}
	if st != nil {
		st.status, st.requestID = resp.StatusCode, resp.Header.Get("Request-ID")
	}
	if c.log.Enabled(ctx, slog.LevelDebug) {
		c.log.LogAttrs(ctx, slog.LevelDebug, "wechatpay request",
			slog.String("method", r.method), slog.String("path", req.URL.Path),
			slog.Int("status", resp.StatusCode), slog.String("request_id", resp.Header.Get("Request-ID")))
	}
	return resp, nil
}

// callStats is what one call reports to the observer.
type callStats struct {
	path          string
	status        int
	requestID     string
	requestBytes  int64
	responseBytes int64
}

// do performs an APIv3 call: sign, send, read, verify, decode the error or
// the JSON result into out (when out is non-nil and the body is not empty).
func (c *Client) do(ctx context.Context, r *apiRequest, out any) (*apiResponse, error) {
	if c.observer == nil {
		return c.doCall(ctx, r, out, nil)
	}
	start := time.Now()
	st := callStats{path: r.path}
	resp, err := c.doCall(ctx, r, out, &st)
	a := Attempt{Method: r.method, Path: st.path, Attempt: 1, StatusCode: st.status, RequestID: st.requestID, Err: err,
		Duration: time.Since(start), RequestBytes: st.requestBytes, ResponseBytes: st.responseBytes}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		a.Code = apiErr.Code
	}
	c.observer(ctx, a)
	return resp, err
}

func (c *Client) doCall(ctx context.Context, r *apiRequest, out any, st *callStats) (*apiResponse, error) {
	resp, err := c.sendStats(ctx, r, st)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := readSized(resp.Body, resp.ContentLength, maxResponseBytes)
	if st != nil {
		st.responseBytes = int64(len(body))
	}
	if err != nil {
		return nil, fmt.Errorf("wechatpay: reading response: %w", err)
	}
	signed := hasSignatureHeaders(resp.Header)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Error answers are verified when they are signed; unsigned ones
		// (e.g. some 401s) are still reported as *APIError.
		if signed && c.verify && !r.noVerify && r.verifier == nil {
			if err := c.verifyResponse(ctx, resp.Header, body); err != nil {
				return nil, err
			}
		}
		return nil, decodeAPIError(resp.StatusCode, resp.Header, body)
	}
	switch {
	case r.verifier != nil:
		err = r.verifier(resp.Header, body)
	case r.noVerify || !c.verify:
	default:
		// Every 2xx is verified, a 204 with an empty body included (its
		// signed message is "timestamp\nnonce\n\n"): an unsigned
		// answer is ErrMissingSignatureHeaders, never a success.
		err = c.verifyResponse(ctx, resp.Header, body)
	}
	if err != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "wechatpay response verification failed",
			slog.String("path", r.path), slog.String("error", err.Error()))
		return nil, err
	}
	if out != nil && len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			return nil, fmt.Errorf("wechatpay: decoding response: %w", err)
		}
	}
	return &apiResponse{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

func hasSignatureHeaders(h http.Header) bool {
	return h.Get(HeaderSignature) != "" || h.Get(HeaderTimestamp) != "" ||
		h.Get(HeaderNonce) != "" || h.Get(HeaderSerial) != ""
}

var errTooLarge = errors.New("body exceeds size limit")

// readCapped reads a body of unknown length of at most limit bytes.
func readCapped(r io.Reader, limit int64) ([]byte, error) { return readSized(r, -1, limit) }

// readSized reads a body of at most limit bytes, in one allocation when
// its length n is known (n < 0: unknown).
func readSized(r io.Reader, n, limit int64) ([]byte, error) {
	if n > limit {
		return nil, errTooLarge
	}
	if n > 0 {
		b := make([]byte, n, n+1)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		m, _ := r.Read(b[n : n+1])
		if m == 0 {
			return b, nil
		}
		// Longer than announced (a hand-made response): read the rest.
		rest, err := io.ReadAll(io.LimitReader(r, limit-n))
		if err != nil {
			return nil, err
		}
		b = append(b[:n+1], rest...)
		if int64(len(b)) > limit {
			return nil, errTooLarge
		}
		return b, nil
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}

// verifyResponse verifies a response or notification signature with the key
// store. When the serial is unknown and certificate download is enabled, it
// refreshes the platform certificates once (rate limited) and retries.
func (c *Client) verifyResponse(ctx context.Context, header http.Header, body []byte) error {
	err := c.keys.Verify(header, body, c.clock())
	if !errors.Is(err, ErrUnknownSerial) || !c.certAuto {
		return err
	}
	if !c.allowTriggeredRefresh() {
		return err
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "wechatpay unknown serial, refreshing platform certificates",
		slog.String("serial", truncate(header.Get(HeaderSerial), 64)))
	if rerr := c.RefreshCertificates(ctx); rerr != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "wechatpay certificate refresh failed", slog.String("error", rerr.Error()))
		return err
	}
	return c.keys.Verify(header, body, c.clock())
}
