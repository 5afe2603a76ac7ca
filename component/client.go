package component

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/token"
)

// ErrNotAuthorized reports that an account has not authorized the platform,
// or revoked it: no refresh token is stored, or WeChat refused it (61003
// component is not authorized by this account, 61023 refresh_token is
// invalid...). Retrying will not help; the account's administrator must
// authorize again. Test with errors.Is.
var ErrNotAuthorized = errors.New("component: the account has not authorized the platform")

// Error codes of the third-party platform that mean the authorization is gone.
const (
	CodeComponentNotAuthorized mp.ErrorCode = 61003 // component is not authorized by this account
	CodeInvalidRefreshToken    mp.ErrorCode = 61023 // refresh_token is invalid
)

// NotAuthorizedError is the typed form of [ErrNotAuthorized].
type NotAuthorizedError struct {
	AuthorizerAppID string
	Err             error // WeChat's answer, nil when no refresh token was stored
}

func (e *NotAuthorizedError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("component: account %s has not authorized the platform (no refresh token stored)", e.AuthorizerAppID)
	}
	return fmt.Sprintf("component: account %s has not authorized the platform: %v", e.AuthorizerAppID, e.Err)
}

// Is makes errors.Is(err, ErrNotAuthorized) true.
func (e *NotAuthorizedError) Is(target error) bool { return target == ErrNotAuthorized }

// Unwrap returns WeChat's answer.
func (e *NotAuthorizedError) Unwrap() error { return e.Err }

func revoked(err error) bool {
	var apiErr *mp.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.Code {
	case CodeComponentNotAuthorized, CodeInvalidRefreshToken:
		return true
	}
	return false
}

func (p *Platform) authorizerKey(appid string) string {
	return "wxkit:component:" + p.cfg.AppID + ":authorizer:" + appid + ":access_token"
}

// jittered moves an expiry earlier by a random part of the jitter window, so
// the refreshes of many accounts spread out. Every process reads the same
// stored expiry, so the spread holds across processes.
func (p *Platform) jittered(t time.Time) time.Time {
	if p.jitter <= 0 {
		return t
	}
	return t.Add(-time.Duration(rand.Int64N(int64(p.jitter))))
}

// Client returns an *mp.Client that acts for the authorized account appid:
// its access_token is the authorizer_access_token, fetched and refreshed with
// the stored refresh token (one fetch per account per expiry across
// processes sharing WithTokenStore). Every family works on it unchanged. A
// revoked authorization fails calls with [ErrNotAuthorized]. Clients are
// cached per appid.
func (p *Platform) Client(appid string) (*mp.Client, error) {
	if err := checkAppID("component.Client", appid); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clients[appid]; ok {
		return c, nil
	}
	src := p.AuthorizerTokenSource(appid)
	opts := append([]mp.Option{mp.WithTokenStore(p.store), mp.WithTokenOptions(p.tokenOpts...)}, p.clientOpts...)
	opts = append(opts, mp.WithTokenSource(src))
	c, err := mp.New(mp.Config{AppID: appid}, opts...)
	if err != nil {
		return nil, err
	}
	p.clients[appid] = c
	return c, nil
}

// forget drops the cached client of appid.
func (p *Platform) forget(appid string) {
	p.mu.Lock()
	delete(p.clients, appid)
	p.mu.Unlock()
}

// AuthorizerTokenSource returns the token.Source of an account's
// authorizer_access_token (for callers building their own clients).
func (p *Platform) AuthorizerTokenSource(appid string) *token.Source {
	opts := append([]token.Option{token.WithStore(p.store), token.WithLogger(p.logger)}, p.tokenOpts...)
	return token.NewSource(p.authorizerKey(appid), &authorizerFetcher{p: p, appid: appid}, opts...)
}

type authorizerFetcher struct {
	p     *Platform
	appid string

	// The refresh token WeChat last refused, and until when that answer is
	// reused without asking again (a revoked account under load must not
	// spend the api_authorizer_token quota). A new authorization stores a
	// different refresh token, which is tried at once.
	mu        sync.Mutex
	deadRT    string
	deadErr   error
	deadUntil time.Time
}

// deadFor is how long a refused refresh token is not retried.
const deadFor = time.Minute

type authorizerTokenRequest struct {
	ComponentAppID  string `json:"component_appid"`
	AuthorizerAppID string `json:"authorizer_appid"`
	RefreshToken    string `json:"authorizer_refresh_token"`
}

type authorizerTokenResponse struct {
	AccessToken  string `json:"authorizer_access_token"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"authorizer_refresh_token"`
}

// Fetch calls 获取/刷新授权方接口调用令牌 POST /cgi-bin/component/api_authorizer_token.
// A new refresh token in the answer is stored before the access token is
// returned.
func (f *authorizerFetcher) Fetch(ctx context.Context, _ bool) (token.Token, error) {
	p := f.p
	rt, ok, err := p.refresh.Get(ctx, f.appid)
	if err != nil {
		return token.Token{}, fmt.Errorf("component: loading the refresh token of %s: %w", f.appid, err)
	}
	if !ok || rt == "" {
		return token.Token{}, &NotAuthorizedError{AuthorizerAppID: f.appid}
	}
	start := p.api.Now()
	f.mu.Lock()
	if rt == f.deadRT && start.Before(f.deadUntil) {
		err := f.deadErr
		f.mu.Unlock()
		return token.Token{}, err
	}
	f.mu.Unlock()
	var resp authorizerTokenResponse
	err = p.do(ctx, "/cgi-bin/component/api_authorizer_token",
		authorizerTokenRequest{ComponentAppID: p.cfg.AppID, AuthorizerAppID: f.appid, RefreshToken: rt}, &resp)
	if err != nil {
		if revoked(err) {
			nae := &NotAuthorizedError{AuthorizerAppID: f.appid, Err: err}
			f.mu.Lock()
			f.deadRT, f.deadErr, f.deadUntil = rt, nae, start.Add(deadFor)
			f.mu.Unlock()
			return token.Token{}, nae
		}
		return token.Token{}, err
	}
	if resp.RefreshToken != "" && resp.RefreshToken != rt {
		if err := p.refresh.Put(ctx, f.appid, resp.RefreshToken); err != nil {
			// Do not use a token whose refresh token we could not keep.
			return token.Token{}, fmt.Errorf("component: saving the new refresh token of %s: %w", f.appid, err)
		}
	}
	p.logger.LogAttrs(ctx, slog.LevelDebug, "component: authorizer token fetched", slog.String("authorizer_appid", f.appid))
	return token.Token{Value: resp.AccessToken, Expiry: p.jittered(start.Add(time.Duration(resp.ExpiresIn) * time.Second))}, nil
}
