package user

import (
	"context"
	"iter"
	"net/url"

	"github.com/wxkit/mp"
)

// Followers gets one page of up to 10,000 follower openids (获取用户列表,
// GET /cgi-bin/user/get). nextOpenID is the NextOpenID of the previous page,
// empty for the first page.
func (s *Service) Followers(ctx context.Context, nextOpenID string) (*OpenIDList, error) {
	q := url.Values{}
	if nextOpenID != "" {
		q.Set("next_openid", nextOpenID)
	}
	var out OpenIDList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: "/cgi-bin/user/get", Query: q}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AllFollowers iterates over the openids of all followers, fetching the
// pages of [Service.Followers] as it goes. Only one page is held at a time,
// so memory does not grow with the number of followers. On a failure it
// yields the error once and stops; breaking out of the loop stops fetching.
func (s *Service) AllFollowers(ctx context.Context) iter.Seq2[string, error] {
	return allOpenIDs(ctx, s.Followers)
}
