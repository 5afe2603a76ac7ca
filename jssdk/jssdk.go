package jssdk

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/token"
)

// Service signs JS-SDK configurations for one Official Account. Create one
// per client and share it: it holds the cached jsapi_ticket. It is safe for
// concurrent use.
type Service struct {
	c       *mp.Client
	tickets *token.Source
	now     func() time.Time
}

// Option configures a Service.
type Option func(*Service)

// WithClock replaces time.Now for the wx.config timestamp and the ticket's
// expiry. The default is the client's clock (mp.WithClock), which the
// credential cache also uses.
func WithClock(now func() time.Time) Option {
	return func(s *Service) {
		if now != nil {
			s.now = now
		}
	}
}

// New returns the JS-SDK service of the client's account.
func New(c *mp.Client, opts ...Option) *Service {
	s := &Service{c: c, now: c.Now}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.tickets = c.TicketSource("jsapi_ticket", "jsapi", s.now)
	return s
}

// String describes the Service without the ticket.
func (s *Service) String() string { return fmt.Sprintf("jssdk.Service{AppID: %q}", s.c.AppID()) }

// GoString is String.
func (s *Service) GoString() string { return s.String() }

// Ticket is the answer of 获取jsapi_ticket.
type Ticket struct {
	ErrCode   int    `json:"errcode"`
	ErrMsg    string `json:"errmsg"`
	Ticket    string `json:"ticket"`
	ExpiresIn int64  `json:"expires_in"` // seconds (7200)
}

// String describes the ticket without its value.
func (t Ticket) String() string {
	v := `""`
	if t.Ticket != "" {
		v = "<redacted>"
	}
	return fmt.Sprintf("jssdk.Ticket{Ticket: %s, ExpiresIn: %d}", v, t.ExpiresIn)
}

// GoString is String, so %#v hides the ticket too.
func (t Ticket) GoString() string { return t.String() }

// GetTicket calls 获取jsapi_ticket (GET /cgi-bin/ticket/getticket?type=jsapi)
// directly, bypassing the cache. Its quota is small: use [Service.JSAPITicket]
// instead unless you manage the ticket yourself.
func (s *Service) GetTicket(ctx context.Context) (*Ticket, error) {
	t, err := s.c.GetTicket(ctx, "jsapi")
	if err != nil {
		return nil, err
	}
	return (*Ticket)(t), nil
}

// JSAPITicket returns a valid jsapi_ticket from the cache, fetching it when
// needed; concurrent callers share one fetch.
func (s *Service) JSAPITicket(ctx context.Context) (string, error) { return s.tickets.Token(ctx) }

// InvalidateTicket reports that WeChat rejected ticket; if it is still the
// cached one it is replaced before InvalidateTicket returns.
func (s *Service) InvalidateTicket(ctx context.Context, ticket string) error {
	return s.tickets.Invalidate(ctx, ticket)
}

// Config is the object a page passes to wx.config (通过config接口注入权限验证配置).
type Config struct {
	Debug     bool   `json:"debug"`
	AppID     string `json:"appId"`
	Timestamp int64  `json:"timestamp"`
	NonceStr  string `json:"nonceStr"`
	Signature string `json:"signature"`
	// JSAPIList names the JS interfaces the page uses (附录2 所有JS接口列表).
	JSAPIList []string `json:"jsApiList"`
	// OpenTagList names the open tags the page uses (开放标签), such as
	// wx-open-launch-weapp; set it before rendering. It is not signed.
	OpenTagList []string `json:"openTagList"`
}

// Config returns the signed wx.config object for the page at pageURL (the
// full URL of the page, as the browser has it; any #fragment is dropped
// before signing) and the JS interfaces apis.
func (s *Service) Config(ctx context.Context, pageURL string, apis ...string) (*Config, error) {
	const op = "jssdk.Config"
	pageURL = stripFragment(pageURL)
	if err := checkPageURL(pageURL); err != nil {
		return nil, &mp.ValidationError{Op: op, Field: "url", Reason: err.Error()}
	}
	for i, a := range apis {
		if a == "" || strings.ContainsAny(a, " \t\r\n\"'<>") {
			return nil, &mp.ValidationError{Op: op, Field: "jsApiList[" + strconv.Itoa(i) + "]", Reason: "is not a JS interface name"}
		}
	}
	ticket, err := s.tickets.Token(ctx)
	if err != nil {
		return nil, fmt.Errorf("jssdk: getting the jsapi_ticket: %w", err)
	}
	nonce := NonceStr()
	ts := s.now().Unix()
	list := make([]string, len(apis))
	copy(list, apis)
	return &Config{
		AppID:       s.c.AppID(),
		Timestamp:   ts,
		NonceStr:    nonce,
		Signature:   Sign(ticket, nonce, ts, pageURL),
		JSAPIList:   list,
		OpenTagList: []string{},
	}, nil
}

func checkPageURL(raw string) error {
	if raw == "" {
		return errors.New("is required")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be the page's absolute http(s) URL")
	}
	return nil
}

func stripFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

// NonceStr returns a random 16-character nonce of [A-Z2-7] (80 bits).
func NonceStr() string { return rand.Text()[:16] }

// Sign computes the JS-SDK signature (附录1 签名算法): the hex SHA1 of
// "jsapi_ticket=TICKET&noncestr=NONCESTR&timestamp=TIMESTAMP&url=URL" with
// raw, unescaped values. Everything from the first '#' of url on is dropped
// first, as the algorithm requires.
func Sign(ticket, nonceStr string, timestamp int64, url string) string {
	url = stripFragment(url)
	var buf [512]byte
	b := buf[:0]
	b = append(b, "jsapi_ticket="...)
	b = append(b, ticket...)
	b = append(b, "&noncestr="...)
	b = append(b, nonceStr...)
	b = append(b, "&timestamp="...)
	b = strconv.AppendInt(b, timestamp, 10)
	b = append(b, "&url="...)
	b = append(b, url...)
	sum := sha1.Sum(b)
	return hex.EncodeToString(sum[:])
}
