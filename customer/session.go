package customer

import (
	"context"
	"net/url"

	"github.com/wxkit/mp"
)

const (
	pathSessionCreate = "/customservice/kfsession/create"
	pathSessionClose  = "/customservice/kfsession/close"
	pathSessionGet    = "/customservice/kfsession/getsession"
	pathSessionList   = "/customservice/kfsession/getsessionlist"
	pathSessionWait   = "/customservice/kfsession/getwaitcase"
)

type sessionRequest struct {
	KFAccount string `json:"kf_account"`
	OpenID    string `json:"openid"`
}

func (s *Service) session(ctx context.Context, op, path, account, openID string) error {
	if err := checkAccount(op, account, false); err != nil {
		return err
	}
	if err := checkOpenID(op, "openid", openID); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: path, Body: sessionRequest{account, openID}}, nil)
}

// CreateSession hands the user openID to account through
// POST /customservice/kfsession/create (创建会话). The account must be bound
// to a WeChat ID and online; an existing session answers success.
func (s *Service) CreateSession(ctx context.Context, account, openID string) error {
	return s.session(ctx, "customer.CreateSession", pathSessionCreate, account, openID)
}

// CloseSession ends the session between account and openID through
// POST /customservice/kfsession/close (关闭会话).
func (s *Service) CloseSession(ctx context.Context, account, openID string) error {
	return s.session(ctx, "customer.CloseSession", pathSessionClose, account, openID)
}

// UserSession is the answer of [Service.GetSession].
type UserSession struct {
	// KFAccount is the account serving the user; empty when the user has
	// no session.
	KFAccount  string `json:"kf_account"`
	CreateTime int64  `json:"createtime"` // when the session started, Unix seconds
}

// GetSession returns the session of the user openID through
// GET /customservice/kfsession/getsession (获取客户会话状态).
func (s *Service) GetSession(ctx context.Context, openID string) (*UserSession, error) {
	if err := checkOpenID("customer.GetSession", "openid", openID); err != nil {
		return nil, err
	}
	var out UserSession
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathSessionGet,
		Query: url.Values{"openid": {openID}}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Session is one session of an account.
type Session struct {
	OpenID     string `json:"openid"`
	CreateTime int64  `json:"createtime"` // Unix seconds
}

// SessionList is the answer of [Service.ListSessions].
type SessionList struct {
	SessionList []Session `json:"sessionlist"`
}

// ListSessions returns the sessions account is serving through
// GET /customservice/kfsession/getsessionlist (获取客服会话列表).
func (s *Service) ListSessions(ctx context.Context, account string) (*SessionList, error) {
	if err := checkAccount("customer.ListSessions", account, false); err != nil {
		return nil, err
	}
	var out SessionList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathSessionList,
		Query: url.Values{"kf_account": {account}}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// WaitCase is one user waiting for an account.
type WaitCase struct {
	OpenID     string `json:"openid"`
	LatestTime int64  `json:"latest_time"` // the user's last message, Unix seconds
}

// WaitCaseList is the answer of [Service.ListWaitingSessions]: Count users
// are waiting, WaitCaseList holds at most the first 100 by arrival.
type WaitCaseList struct {
	Count        int        `json:"count"`
	WaitCaseList []WaitCase `json:"waitcaselist"`
}

// ListWaitingSessions returns the users waiting to be served through
// GET /customservice/kfsession/getwaitcase (获取未接入会话列表).
func (s *Service) ListWaitingSessions(ctx context.Context) (*WaitCaseList, error) {
	var out WaitCaseList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathSessionWait}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
