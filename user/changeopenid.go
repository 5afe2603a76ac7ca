package user

import (
	"context"
	"strconv"

	"golang.org/x/sync/errgroup"

	"github.com/wxkit/mp"
)

// MaxChangeOpenID is the number of openids one 转换openid call takes (一次最多100个).
const MaxChangeOpenID = 100

// changeOpenIDParallel is how many 转换openid calls are in flight at once.
const changeOpenIDParallel = 4

// OpenIDChange is the result of 转换openid for one openid of the old account.
type OpenIDChange struct {
	OriOpenID string `json:"ori_openid"` // the openid under the old account
	NewOpenID string `json:"new_openid"` // the openid under this account; empty on failure
	// ErrMsg is WeChat's word on this openid: "ok", or the reason it was
	// not converted (e.g. "ori_openid error" for a user who does not follow
	// the old account).
	ErrMsg string `json:"err_msg"`
}

// Err returns nil when the openid was converted, or an *OpenIDChangeError
// carrying err_msg when it was not.
func (c OpenIDChange) Err() error {
	if c.ErrMsg == "ok" && c.NewOpenID != "" {
		return nil
	}
	msg := c.ErrMsg
	if msg == "" || msg == "ok" {
		msg = "no new_openid in the answer"
	}
	return &OpenIDChangeError{OpenID: c.OriOpenID, Msg: msg}
}

// OpenIDChangeError is the failure of one openid in [Service.ChangeOpenID]:
// the rest of the list is not affected.
type OpenIDChangeError struct {
	OpenID string // the old account's openid
	Msg    string // err_msg
}

func (e *OpenIDChangeError) Error() string {
	return "mp: user.ChangeOpenID: " + strconv.Quote(e.OpenID) + ": " + e.Msg
}

type changeOpenIDRequest struct {
	FromAppID  string   `json:"from_appid"`
	OpenIDList []string `json:"openid_list"`
}

type changeOpenIDResponse struct {
	ResultList []OpenIDChange `json:"result_list"`
}

// ChangeOpenID converts the openids of an account migrated into this one
// (转换openid, POST /cgi-bin/changeopenid; call it with the NEW account's
// client within 15 days of the migration). fromAppID names the old
// account: the documentation's table asks for its original ID
// (gh_91ae50dfeb1c), its sample and current practice use its AppID.
//
// WeChat takes 100 openids per call: longer lists are split and sent a few
// calls at a time. The results are in the order of openIDs, one per openid.
// An openid WeChat could not convert is not a failure of the call: its
// result has err_msg other than "ok" and [OpenIDChange.Err] reports it. The
// error returned is for the call itself (validation, transport, errcode);
// the first failing call cancels the others.
func (s *Service) ChangeOpenID(ctx context.Context, fromAppID string, openIDs []string) ([]OpenIDChange, error) {
	const op = "user.ChangeOpenID"
	if fromAppID == "" {
		return nil, &mp.ValidationError{Op: op, Field: "from_appid", Reason: "is required"}
	}
	if len(openIDs) == 0 {
		return nil, &mp.ValidationError{Op: op, Field: "openid_list", Reason: "is empty"}
	}
	for i, id := range openIDs {
		if id == "" {
			return nil, &mp.ValidationError{Op: op, Field: "openid_list[" + strconv.Itoa(i) + "]", Reason: "is empty"}
		}
	}
	out := make([]OpenIDChange, len(openIDs))
	chunks := (len(openIDs) + MaxChangeOpenID - 1) / MaxChangeOpenID
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(changeOpenIDParallel)
	for i := range chunks {
		lo, hi := i*MaxChangeOpenID, min((i+1)*MaxChangeOpenID, len(openIDs))
		part := openIDs[lo:hi]
		g.Go(func() error {
			var resp changeOpenIDResponse
			// Converting is a lookup: sending it again gives the same answer.
			err := s.c.Do(gctx, &mp.Request{Method: "POST", Path: "/cgi-bin/changeopenid",
				Body: changeOpenIDRequest{FromAppID: fromAppID, OpenIDList: part}, Idempotent: true}, &resp)
			if err != nil {
				return err
			}
			placeResults(out[lo:hi], part, resp.ResultList)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// placeResults puts the results of one call in the order of the openids
// sent, matching them by ori_openid (an openid sent twice takes the results
// in the order they came). An openid without a result keeps an empty
// NewOpenID and ErrMsg, which Err reports.
func placeResults(dst []OpenIDChange, sent []string, got []OpenIDChange) {
	byID := make(map[string][]OpenIDChange, len(got))
	for _, r := range got {
		byID[r.OriOpenID] = append(byID[r.OriOpenID], r)
	}
	for i, id := range sent {
		if rs := byID[id]; len(rs) > 0 {
			dst[i] = rs[0]
			byID[id] = rs[1:]
			continue
		}
		dst[i] = OpenIDChange{OriOpenID: id}
	}
}
