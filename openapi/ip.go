package openapi

import (
	"context"

	"github.com/wxkit/mp"
)

// Service is the interface-management API of one Official Account.
type Service struct {
	c *mp.Client
}

// New returns the interface-management API on c.
func New(c *mp.Client) *Service { return &Service{c: c} }

type ipList struct {
	IPList []string `json:"ip_list"`
}

// CallbackIPs is 获取微信推送服务器IP (GET /cgi-bin/getcallbackip): the
// addresses WeChat pushes to the callback URL from, for an allow list.
func (s *Service) CallbackIPs(ctx context.Context) ([]string, error) {
	var out ipList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: "/cgi-bin/getcallbackip"}, &out); err != nil {
		return nil, err
	}
	return out.IPList, nil
}

// APIDomainIPs is 获取微信API服务器IP (GET /cgi-bin/get_api_domain_ip): the
// addresses of api.weixin.qq.com.
func (s *Service) APIDomainIPs(ctx context.Context) ([]string, error) {
	var out ipList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: "/cgi-bin/get_api_domain_ip"}, &out); err != nil {
		return nil, err
	}
	return out.IPList, nil
}
