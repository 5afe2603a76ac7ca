package user

import (
	"context"
	"iter"

	"github.com/wxkit/mp"
)

type blacklistRequest struct {
	BeginOpenID string `json:"begin_openid"`
}

// Blacklist gets one page of the openids of blocked users (获取公众号的黑名单列表,
// POST /cgi-bin/tags/members/getblacklist). beginOpenID is the NextOpenID of
// the previous page, empty for the first page.
func (s *Service) Blacklist(ctx context.Context, beginOpenID string) (*OpenIDList, error) {
	var out OpenIDList
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/tags/members/getblacklist",
		Body: blacklistRequest{BeginOpenID: beginOpenID}, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AllBlacklist iterates over the openids of all blocked users, one page of
// [Service.Blacklist] at a time. On a failure it yields the error once and
// stops.
func (s *Service) AllBlacklist(ctx context.Context) iter.Seq2[string, error] {
	return allOpenIDs(ctx, s.Blacklist)
}

type openIDListRequest struct {
	OpenIDList []string `json:"openid_list"`
}

// Block blocks users (拉黑用户, POST /cgi-bin/tags/members/batchblacklist).
// WeChat takes 20 openids per call: longer lists are sent in several calls,
// one after the other; a failure after the first is a *[BatchError].
func (s *Service) Block(ctx context.Context, openIDs []string) error {
	return s.blacklist(ctx, "user.Block", "/cgi-bin/tags/members/batchblacklist", openIDs)
}

// Unblock unblocks users (取消拉黑用户, POST /cgi-bin/tags/members/batchunblacklist),
// 20 openids per call like [Service.Block].
func (s *Service) Unblock(ctx context.Context, openIDs []string) error {
	return s.blacklist(ctx, "user.Unblock", "/cgi-bin/tags/members/batchunblacklist", openIDs)
}

func (s *Service) blacklist(ctx context.Context, op, path string, openIDs []string) error {
	if err := checkOpenIDs(op, openIDs); err != nil {
		return err
	}
	return inChunks(op, openIDs, MaxBlacklist, func(chunk []string) error {
		// Blocking is a set operation: repeating it leaves the same state.
		return s.c.Do(ctx, &mp.Request{Method: "POST", Path: path,
			Body: openIDListRequest{OpenIDList: chunk}, Idempotent: true}, nil)
	})
}
