package customer_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/customer"
	"github.com/wxkit/mp/internal/mptest"
)

func TestSendEveryType(t *testing.T) {
	t.Parallel()
	cases := []struct {
		fixture string
		msg     customer.Message
		opts    []customer.SendOption
	}{
		{"send_text.json", customer.Text{Content: `文本内容<a href="http://www.qq.com" data-miniprogram-appid="appid" data-miniprogram-path="pages/index/index">点击跳小程序</a>`},
			[]customer.SendOption{customer.WithKFAccount("test1@kftest")}},
		{"send_image.json", customer.Image{MediaID: "MEDIA_ID"}, nil},
		{"send_voice.json", customer.Voice{MediaID: "MEDIA_ID"}, nil},
		{"send_video.json", customer.Video{MediaID: "MEDIA_ID", ThumbMediaID: "MEDIA_ID", Title: "TITLE", Description: "DESCRIPTION"}, nil},
		{"send_music.json", customer.Music{Title: "MUSIC_TITLE", Description: "MUSIC_DESCRIPTION", MusicURL: "MUSIC_URL",
			HQMusicURL: "HQ_MUSIC_URL", ThumbMediaID: "THUMB_MEDIA_ID"}, nil},
		{"send_news.json", customer.News{Articles: []customer.Article{{Title: "Happy Day", Description: "Is Really A Happy Day",
			URL: "URL", PicURL: "PIC_URL"}}}, nil},
		{"send_mpnews.json", customer.MPNews{MediaID: "MEDIA_ID"}, nil},
		{"send_mpnewsarticle.json", &customer.MPNewsArticle{ArticleID: "ARTICLE_ID"}, nil}, // pointers work too
		{"send_msgmenu.json", customer.MsgMenu{HeadContent: "您对本次服务是否满意呢? ",
			List: []customer.MenuItem{{ID: "101", Content: "满意"}, {ID: "102", Content: "不满意"}}, TailContent: "欢迎再次光临"}, nil},
		{"send_wxcard.json", customer.WXCard{CardID: "123dsdajkasd231jhksad"}, nil},
		{"send_miniprogrampage.json", customer.MiniProgramPage{Title: "title", AppID: "appid", PagePath: "pagepath",
			ThumbMediaID: "thumb_media_id"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.msg.MsgType(), func(t *testing.T) {
			t.Parallel()
			srv, c := mptest.New(t)
			called := false
			srv.Reply("POST", "/cgi-bin/message/custom/send", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
				called = true
				mptest.Query(t, r, map[string]string{})
				assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))
				mptest.JSONEqFixture(t, tc.fixture, body)
			})
			require.NoError(t, customer.New(c).Send(context.Background(), "OPENID", tc.msg, tc.opts...))
			assert.True(t, called)
		})
	}
}

func TestSendTextLinkNotEscaped(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/custom/send", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		s := string(body)
		assert.Contains(t, s, `<a href=\"https://example.com/?a=1&b=2\">详情</a>`)
		assert.NotContains(t, s, `\u003c`)
		assert.NotContains(t, s, `\u0026`)
		assert.Equal(t, `{"touser":"OPENID","msgtype":"text","text":{"content":"见 <a href=\"https://example.com/?a=1&b=2\">详情</a>"}}`, s)
	})
	err := customer.New(c).SendText(context.Background(), "OPENID", `见 <a href="https://example.com/?a=1&b=2">详情</a>`)
	require.NoError(t, err)
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("POST", "/cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 45015, "response out of time limit or subscription is canceled")
	})
	err := customer.New(c).Send(context.Background(), "OPENID", customer.Text{Content: "hi"})
	require.Error(t, err)
	var apiErr *mp.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, mp.CodeReplyTimeLimit, apiErr.Code)
	assert.True(t, customer.IsOutsideWindow(err))
	assert.NotContains(t, err.Error(), mptest.AccessToken)
}

func TestIsOutsideWindow(t *testing.T) {
	t.Parallel()
	assert.True(t, customer.IsOutsideWindow(&mp.APIError{Code: 45015}))
	assert.True(t, customer.IsOutsideWindow(errors.Join(errors.New("wrapped"), &mp.APIError{Code: mp.CodeReplyTimeLimit})))
	assert.False(t, customer.IsOutsideWindow(&mp.APIError{Code: 45047}))
	assert.False(t, customer.IsOutsideWindow(errors.New("45015")))
	assert.False(t, customer.IsOutsideWindow(nil))
}

type locationMsg struct {
	Latitude float64 `json:"latitude"`
}

func (locationMsg) MsgType() string { return "location" }

func TestSendCustomType(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/custom/send", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.JSONEq(t, `{"touser":"OPENID","msgtype":"location","location":{"latitude":23.1}}`, body)
	})
	require.NoError(t, customer.New(c).Send(context.Background(), "OPENID", locationMsg{Latitude: 23.1}))
}

func TestSendValidation(t *testing.T) {
	t.Parallel()
	var nilText *customer.Text
	cases := []struct {
		name  string
		to    string
		msg   customer.Message
		opts  []customer.SendOption
		field string
	}{
		{"no touser", "", customer.Text{Content: "x"}, nil, "touser"},
		{"nil message", "OPENID", nil, nil, "msgtype"},
		{"typed nil", "OPENID", nilText, nil, "msgtype"},
		{"empty text", "OPENID", customer.Text{}, nil, "text.content"},
		{"image", "OPENID", customer.Image{}, nil, "image.media_id"},
		{"voice", "OPENID", customer.Voice{}, nil, "voice.media_id"},
		{"video", "OPENID", customer.Video{}, nil, "video.media_id"},
		{"music url", "OPENID", customer.Music{ThumbMediaID: "T"}, nil, "music.musicurl"},
		{"music thumb", "OPENID", customer.Music{MusicURL: "U"}, nil, "music.thumb_media_id"},
		{"news none", "OPENID", customer.News{}, nil, "news.articles"},
		{"news two", "OPENID", customer.News{Articles: make([]customer.Article, 2)}, nil, "news.articles"},
		{"news title", "OPENID", customer.News{Articles: []customer.Article{{URL: "U"}}}, nil, "news.articles[0].title"},
		{"news url", "OPENID", customer.News{Articles: []customer.Article{{Title: "T"}}}, nil, "news.articles[0].url"},
		{"mpnews", "OPENID", customer.MPNews{}, nil, "mpnews.media_id"},
		{"mpnewsarticle", "OPENID", customer.MPNewsArticle{}, nil, "mpnewsarticle.article_id"},
		{"menu empty", "OPENID", customer.MsgMenu{}, nil, "msgmenu.list"},
		{"menu id", "OPENID", customer.MsgMenu{List: []customer.MenuItem{{Content: "c"}}}, nil, "msgmenu.list[0].id"},
		{"menu content", "OPENID", customer.MsgMenu{List: []customer.MenuItem{{ID: "1"}}}, nil, "msgmenu.list[0].content"},
		{"wxcard", "OPENID", customer.WXCard{}, nil, "wxcard.card_id"},
		{"mp appid", "OPENID", customer.MiniProgramPage{PagePath: "p", ThumbMediaID: "t"}, nil, "miniprogrampage.appid"},
		{"mp path", "OPENID", customer.MiniProgramPage{AppID: "a", ThumbMediaID: "t"}, nil, "miniprogrampage.pagepath"},
		{"mp thumb", "OPENID", customer.MiniProgramPage{AppID: "a", PagePath: "p"}, nil, "miniprogrampage.thumb_media_id"},
		{"kf account", "OPENID", customer.Text{Content: "x"}, []customer.SendOption{customer.WithKFAccount("noat")}, "kf_account"},
	}
	_, c := mptest.New(t) // any request would fail the test: nothing is registered
	svc := customer.New(c)
	for _, tc := range cases {
		err := svc.Send(context.Background(), tc.to, tc.msg, tc.opts...)
		var ve *mp.ValidationError
		if assert.True(t, errors.As(err, &ve), "%s: %v", tc.name, err) {
			assert.Equal(t, "customer.Send", ve.Op, tc.name)
			assert.Equal(t, tc.field, ve.Field, tc.name)
		}
	}
}

func TestSendRaw(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	raw := json.RawMessage(`{"touser":"OPENID","msgtype":"text","text":{"content":"<b>late</b> & reply"}}`)
	srv.Reply("POST", "/cgi-bin/message/custom/send", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		assert.Equal(t, string(raw), string(body)) // byte for byte
	})
	svc := customer.New(c)
	require.NoError(t, svc.SendRaw(context.Background(), raw))

	// The interface the message package's callback server relies on.
	var sender interface {
		SendRaw(ctx context.Context, body json.RawMessage) error
	} = svc
	_ = sender

	for _, bad := range []json.RawMessage{nil, json.RawMessage("  "), json.RawMessage(`{"touser":`)} {
		var ve *mp.ValidationError
		assert.True(t, errors.As(svc.SendRaw(context.Background(), bad), &ve), "%q", bad)
	}
}

func TestSendRawError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("POST", "/cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 45015, "response out of time limit or subscription is canceled")
	})
	err := customer.New(c).SendRaw(context.Background(), json.RawMessage(`{"touser":"OPENID","msgtype":"text","text":{"content":"x"}}`))
	assert.True(t, customer.IsOutsideWindow(err))
}

func TestSendNotRetriedAfterServerError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	calls := 0
	srv.Handle("POST", "/cgi-bin/message/custom/send", func(w http.ResponseWriter, r *http.Request) {
		calls++
		http.Error(w, "bad gateway", http.StatusBadGateway)
	})
	err := customer.New(c).SendText(context.Background(), "OPENID", "hi")
	var he *mp.HTTPError
	require.True(t, errors.As(err, &he))
	assert.Equal(t, 1, calls, "a send is not idempotent: a 5xx may have delivered it")
}

func TestTyping(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var bodies []string
	srv.Reply("POST", "/cgi-bin/message/custom/typing", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		bodies = append(bodies, string(body))
	})
	svc := customer.New(c)
	require.NoError(t, svc.Typing(context.Background(), "OPENID"))
	require.NoError(t, svc.CancelTyping(context.Background(), "OPENID"))
	require.Len(t, bodies, 2)
	mptest.JSONEqFixture(t, "typing.json", []byte(bodies[0]))
	mptest.JSONEq(t, `{"touser":"OPENID","command":"CancelTyping"}`, []byte(bodies[1]))

	var ve *mp.ValidationError
	assert.True(t, errors.As(svc.SetTyping(context.Background(), "OPENID", "typing"), &ve))
	assert.True(t, errors.As(svc.Typing(context.Background(), ""), &ve))
}

func TestTypingError(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("POST", "/cgi-bin/message/custom/typing", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 45081, "already in typing state")
	})
	err := customer.New(c).Typing(context.Background(), "OPENID")
	assert.True(t, mp.IsCode(err, 45081), "%v", err)
}

func TestEncodeMessage(t *testing.T) {
	t.Parallel()
	b, err := customer.EncodeMessage("OPENID", customer.Image{MediaID: "M"}, customer.WithKFAccount("a@b"), nil)
	require.NoError(t, err)
	assert.Equal(t, `{"touser":"OPENID","msgtype":"image","image":{"media_id":"M"},"customservice":{"kf_account":"a@b"}}`, string(b))
	assert.True(t, strings.HasPrefix(string(b), `{"touser"`))
}
