// Command quickstart runs a whole Official Account story end to end on your
// machine, with no WeChat account, no public URL and no internet: it starts
// the built-in WeChat platform simulator (package sim, with the WeChat Pay
// simulator sim/paysim) in-process, starts a small bot built on this SDK,
// and walks through
//
//  1. getting an access_token (获取接口调用凭据),
//  2. creating the bot's menu (自定义菜单),
//  3. a follower scanning a QR poster (带参数二维码) and following: the bot
//     sees which poster brought them,
//  4. the follower sending "hello" and getting the reply, in safe mode
//     (安全模式: every callback and reply encrypted and signed),
//  5. a template message (模板消息),
//  6. logging in to the bot's web page through web authorization (网页授权),
//  7. claiming the shop's member card (会员卡) from its QR code,
//  8. paying for an order with WeChat Pay (JSAPI), the payment notification
//     verified and decrypted by the bot, which gives Alice points on her
//     member card (更新会员信息) that her card wallet shows.
//
// It prints each step and exits 0, or prints the failing step and exits 1.
// The story always runs against the simulator: it needs simulated
// followers, which real WeChat does not have. The other examples
// (examples/echo, menu, template, oauth, pay) run against real WeChat when
// their WECHAT_* variables are set.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/card"
	"github.com/wxkit/mp/menu"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/oauth"
	"github.com/wxkit/mp/pay"
	"github.com/wxkit/mp/qrcode"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/sim/paysim"
	"github.com/wxkit/mp/template"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart: FAILED:", err)
		os.Exit(1)
	}
}

// story prints numbered steps.
type story struct {
	out io.Writer
	n   int
}

func (s *story) step(format string, args ...any) {
	s.n++
	fmt.Fprintf(s.out, "\n%d. %s\n", s.n, fmt.Sprintf(format, args...))
}

func (s *story) say(format string, args ...any) {
	fmt.Fprintf(s.out, "   %s\n", fmt.Sprintf(format, args...))
}

func run(ctx context.Context, out io.Writer) error {
	st := &story{out: out}
	fmt.Fprintln(out, "wxkit/mp quickstart: an Official Account backend, end to end, against the built-in simulator")

	// The platform: WeChat Pay first, mounted into the Official Account
	// simulator, which runs in safe mode.
	merchant, err := paysim.NewTestMerchant()
	if err != nil {
		return err
	}
	payPlatform, err := paysim.New(paysim.Options{
		Merchants:         []paysim.Merchant{merchant.Merchant},
		Mode:              paysim.ModePublicKey,
		NotifyRetryDelays: []time.Duration{100 * time.Millisecond, 500 * time.Millisecond},
	})
	if err != nil {
		return err
	}
	defer func() { _ = payPlatform.Close() }()
	platform, err := sim.Start(sim.Options{SafeMode: true, Pay: payPlatform.Handler()})
	if err != nil {
		return err
	}
	defer platform.Close()
	acct := platform.Account()
	fmt.Fprintf(out, "simulator: %s (AppID %s, safe mode)\n", platform.URL, acct.AppID)

	// The SDK client, pointed at the simulator instead of api.weixin.qq.com.
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey},
		mp.WithHost(platform.URL))
	if err != nil {
		return err
	}
	payClient, err := pay.NewClient(pay.Config{MchID: merchant.MchID, CertSerial: merchant.MerchantSerial,
		PrivateKey: merchant.PrivateKey, APIv3Key: merchant.APIv3Key},
		pay.WithBaseURL(platform.URL), pay.WithWechatPayPublicKey(payPlatform.PublicKeyID(), payPlatform.PublicKey()))
	if err != nil {
		return err
	}

	// The bot: one HTTP server with the callback (/wechat), a web page
	// behind web authorization (/account) and the payment notification
	// handler (/pay/notify).
	b, err := newBot(client, payClient, acct)
	if err != nil {
		return err
	}
	defer b.close()
	platform.SetCallbackURL(b.url + "/wechat")
	fmt.Fprintf(out, "bot:       %s (callback %s/wechat)\n", b.url, b.url)

	st.step("access_token (获取稳定版接口调用凭据)")
	if _, err := client.AccessToken(ctx); err != nil {
		return fmt.Errorf("access_token: %w", err)
	}
	st.say("got one from POST /cgi-bin/stable_token; the client caches it and refreshes it before it expires")
	st.say("(the token itself is a secret: it never appears in logs or errors)")

	st.step("the bot creates its menu (自定义菜单)")
	menus := menu.New(client)
	if err := menus.Create(ctx, menu.Click("Hello", "hello"), menu.View("My account", b.url+"/account")); err != nil {
		return fmt.Errorf("menu: %w", err)
	}
	got, err := menus.Get(ctx)
	if err != nil {
		return fmt.Errorf("menu: %w", err)
	}
	for _, btn := range got.Menu.Buttons {
		st.say("[%s] %s %s%s", btn.Name, btn.Type, btn.Key, btn.URL)
	}

	st.step("Alice scans QR poster #42 and follows (带参数二维码 → 关注事件)")
	ticket, err := qrcode.New(client).CreateTemporaryStr(ctx, "poster-42", 24*time.Hour)
	if err != nil {
		return fmt.Errorf("qrcode: %w", err)
	}
	st.say("poster QR code: %s", qrcode.New(client).ImageURL(ticket.Ticket))
	alice := platform.NewUser("Alice")
	reply, err := alice.FollowViaQR(ctx, ticket.Ticket)
	if err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	st.say("bot → Alice: %q", reply.Content)
	if !strings.Contains(reply.Content, "poster-42") {
		return fmt.Errorf("follow: the bot did not see the poster's scene: %q", reply.Content)
	}

	st.step("Alice sends \"hello\" (safe mode: encrypted and signed both ways)")
	reply, err = alice.SendText(ctx, "hello")
	if err != nil {
		return fmt.Errorf("hello: %w", err)
	}
	st.say("Alice → bot: %q", "hello")
	st.say("bot → Alice: %q (the simulator checked the reply's signature and decrypted it)", reply.Content)
	if reply.Content != "hello" {
		return fmt.Errorf("hello: reply %q, want %q", reply.Content, "hello")
	}

	st.step("Alice taps the Hello button (CLICK event)")
	reply, err = alice.ClickMenu(ctx, "hello")
	if err != nil {
		return fmt.Errorf("click: %w", err)
	}
	st.say("bot → Alice: %q", reply.Content)

	st.step("a template message for Alice's order (模板消息)")
	data, err := template.NewData("first", "Your order is confirmed", "keyword1", "ORDER-42", "keyword2", "¥18.00", "remark", "Thank you!")
	if err != nil {
		return err
	}
	sent, err := template.New(client).Send(ctx, &template.Message{ToUser: alice.OpenID(), TemplateID: sim.DefaultTemplateID, Data: data, URL: b.url + "/account"})
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	got2, err := alice.WaitFor(ctx, func(d sim.Delivery) bool { return d.Kind == sim.DeliveryTemplate })
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	st.say("msgid %d; Alice's WeChat shows:", sent.MsgID)
	for _, line := range strings.Split(strings.TrimSpace(got2.Content), "\n") {
		st.say("  | %s", line)
	}

	st.step("Alice opens the bot's web page and logs in with WeChat (网页授权, snsapi_userinfo)")
	page, err := b.browse(ctx, platform, alice, "/account")
	if err != nil {
		return fmt.Errorf("oauth: %w", err)
	}
	st.say("the page says: %q", page)
	if !strings.Contains(page, alice.OpenID()) {
		return fmt.Errorf("oauth: the page does not know Alice: %q", page)
	}

	st.step("Alice claims the shop's member card from its QR code (会员卡, 创建二维码投放卡券)")
	cards := card.New(client)
	memberCard := &card.Card{CardType: card.KindMemberCard, MemberCard: &card.MemberCard{
		Info: card.Info{BaseInfo: card.BaseInfo{LogoURL: "https://mmbiz.qpic.cn/logo.png", CodeType: card.CodeQRCode, BrandName: "wxkit咖啡",
			Title: "会员卡", Color: "Color010", Notice: "结账时出示", Description: "每消费1元积1分",
			DateInfo: card.DateInfo{Type: card.DatePermanent}, SKU: card.SKU{Quantity: 100}}},
		Prerogative: "每消费1元积1分", AutoActivate: true, SupplyBonus: true}}
	cardID, err := cards.Create(ctx, memberCard)
	if err != nil {
		return fmt.Errorf("card: %w", err)
	}
	platform.WaitIdle() // until the card passes review (card_pass_check)
	cardQR, err := cards.CreateQRCode(ctx, card.SingleCardQR(cardID, "counter", 0))
	if err != nil {
		return fmt.Errorf("card: %w", err)
	}
	codes, err := alice.ClaimCardByQR(ctx, cardQR.Ticket)
	if err != nil {
		return fmt.Errorf("card: %w", err)
	}
	st.say("member card %s in Alice's wallet, code %s", cardID, codes[0])

	st.step("Alice pays ¥18.00 for ORDER-42 with WeChat Pay (JSAPI下单 → 支付 → 支付通知)")
	order, err := payClient.CreateJSAPIOrder(ctx, &pay.OrderRequest{
		AppID: acct.AppID, Description: "Coffee ×1", OutTradeNo: "ORDER-42", NotifyURL: b.url + "/pay/notify",
		Amount: pay.Amount{Total: 1800, Currency: "CNY"}, Payer: &pay.Payer{OpenID: alice.OpenID()},
	})
	if err != nil {
		return fmt.Errorf("pay: %w", err)
	}
	params, err := payClient.JSAPIParams(acct.AppID, order.PrepayID)
	if err != nil {
		return fmt.Errorf("pay: %w", err)
	}
	st.say("prepay_id %s; the page calls wx.requestPayment with package %q, signType %s, paySign %s…",
		order.PrepayID, params.Package, params.SignType, params.PaySign[:16])
	if _, err := payPlatform.Pay(ctx, merchant.MchID, order.PrepayID, alice.OpenID()); err != nil {
		return fmt.Errorf("pay: %w", err)
	}
	select {
	case tx := <-b.paid:
		st.say("notification verified (RSA signature) and decrypted (AEAD_AES_256_GCM): %s %s, transaction %s, %d.%02d %s",
			tx.OutTradeNo, tx.TradeState, tx.TransactionID, tx.Amount.Total/100, tx.Amount.Total%100, tx.Amount.Currency)
		// One point per yuan on Alice's member card (更新会员信息).
		if _, err := cards.UpdateUser(ctx, &card.UpdateUserRequest{CardID: cardID, Code: codes[0],
			AddBonus: int(tx.Amount.Total / 100), RecordBonus: "ORDER-42"}); err != nil {
			return fmt.Errorf("card: %w", err)
		}
		w := alice.Wallet()[0]
		st.say("Alice's card wallet: %s %s, %d points", w.BrandName, w.Title, w.Bonus)
	case <-ctx.Done():
		return fmt.Errorf("pay: no payment notification: %w", ctx.Err())
	}

	fmt.Fprintf(out, "\nAll %d steps passed. Next: go run ./cmd/wxsim and chat with your own bot in a browser.\n", st.n)
	return nil
}

// bot is the developer's server: everything here is what you would write.
type bot struct {
	srv  *httptest.Server
	url  string
	paid chan *pay.Transaction
}

func newBot(client *mp.Client, payClient *pay.Client, acct sim.Account) (*bot, error) {
	b := &bot{paid: make(chan *pay.Transaction, 1)}

	r := message.NewRouter()
	r.Use(message.Recovery(nil))
	r.Handle(message.MsgTypeText, func(_ context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: m.(*message.Text).Content}, nil
	})
	r.Event(message.EventSubscribe, func(_ context.Context, m message.Message) (message.Reply, error) {
		if scene := m.(*message.Subscribe).Scene(); scene != "" {
			return message.TextReply{Content: "Welcome! You found us through " + scene + "."}, nil
		}
		return message.TextReply{Content: "Welcome!"}, nil
	})
	r.EventKey(message.EventClick, "hello", func(context.Context, message.Message) (message.Reply, error) {
		return message.TextReply{Content: "你好！"}, nil
	})
	callback, err := message.NewServer(message.Config{AppID: acct.AppID, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey}, r)
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	b.srv = httptest.NewUnstartedServer(mux)
	b.url = "http://" + b.srv.Listener.Addr().String()
	mux.Handle("/wechat", callback)

	// Signs login states and session cookies: in production, 32+ random
	// bytes from your secret store, the same in every process.
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	mw, err := oauth.New(client).NewMiddleware(oauth.MiddlewareConfig{RedirectURL: b.url + "/auth/callback", Scope: oauth.ScopeUserInfo, Key: key})
	if err != nil {
		return nil, err
	}
	mux.Handle("/account", mw.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := oauth.UserFromContext(r.Context())
		name := ""
		if u.Profile != nil {
			name = u.Profile.Nickname
		}
		fmt.Fprintf(w, "Hello %s, you are logged in as %s", name, u.OpenID)
	})))
	mux.Handle(mw.CallbackPath(), mw)

	mux.Handle("/pay/notify", pay.NewNotifyHandler(payClient, func(_ context.Context, n *pay.Notification) error {
		tx, err := n.Transaction()
		if err != nil {
			return err
		}
		select { // WeChat Pay may notify more than once: handle it once.
		case b.paid <- tx:
		default:
		}
		return nil
	}))
	b.srv.Start()
	return b, nil
}

func (b *bot) close() { b.srv.Close() }

// browse plays Alice's browser inside WeChat: it follows redirects, and when
// one reaches the WeChat authorize page it consents as Alice (the simulator
// does what the WeChat client would).
func (b *bot) browse(ctx context.Context, platform *sim.Sim, who *sim.Follower, path string) (string, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	next := b.url + path
	for i := 0; i < 10; i++ {
		u, err := url.Parse(next)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(next, platform.URL) && strings.HasPrefix(u.Path, "/connect/oauth2/authorize") {
			if next, err = platform.Authorize(who, next); err != nil {
				return "", err
			}
			continue
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
		resp, err := hc.Do(req)
		if err != nil {
			return "", err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "" {
			next = resp.Request.URL.ResolveReference(mustParse(loc)).String()
			continue
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("GET %s: %s: %s", u.Path, resp.Status, body)
		}
		return string(body), nil
	}
	return "", errors.New("too many redirects")
}

func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return &url.URL{}
	}
	return u
}
