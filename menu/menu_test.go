package menu_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/menu"
)

// docMenu is the official create-menu sample (testdata/menu_create.json)
// built with the constructors.
func docMenu() []menu.Button {
	return []menu.Button{
		menu.Click("今日歌曲", "V1001_TODAY_MUSIC"),
		menu.Parent("菜单",
			menu.View("搜索", "http://www.soso.com/"),
			menu.MiniProgram("wxa", "http://mp.weixin.qq.com", "wx286b93c14bbf93aa", "pages/lunar/index"),
			menu.Click("赞一下我们", "V1001_GOOD"),
		),
	}
}

func TestCreate(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/menu/create", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))
		mptest.JSONEqFixture(t, "menu_create.json", body)
		assert.NotContains(t, string(body), `\u`, "raw UTF-8, no escapes")
	})
	require.NoError(t, menu.New(c).Create(context.Background(), docMenu()...))
}

func TestCreateEveryType(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	want := `{"button":[
		{"name":"事件","sub_button":[
			{"type":"scancode_push","name":"扫码推事件","key":"k1"},
			{"type":"scancode_waitmsg","name":"扫码带提示","key":"k2"},
			{"type":"pic_sysphoto","name":"系统拍照发图","key":"k3"},
			{"type":"pic_photo_or_album","name":"拍照或者相册发图","key":"k4"},
			{"type":"location_select","name":"发送位置","key":"k5"}]},
		{"name":"素材","sub_button":[
			{"type":"pic_weixin","name":"微信相册发图","key":"k6"},
			{"type":"media_id","name":"图片","media_id":"MEDIA_ID1"},
			{"type":"view_limited","name":"图文消息","media_id":"MEDIA_ID2"},
			{"type":"article_id","name":"文章","article_id":"ARTICLE_ID1"},
			{"type":"article_view_limited","name":"文章页","article_id":"ARTICLE_ID2"}]},
		{"type":"view","name":"<a&b>","url":"https://example.com/?a=1&b=2"}]}`
	srv.Reply("POST", "/cgi-bin/menu/create", "ok.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEq(t, want, body)
		assert.Contains(t, string(body), `"<a&b>"`, "no HTML escaping")
	})
	err := menu.New(c).Create(context.Background(),
		menu.Parent("事件",
			menu.ScanCodePush("扫码推事件", "k1"),
			menu.ScanCodeWaitMsg("扫码带提示", "k2"),
			menu.PicSysPhoto("系统拍照发图", "k3"),
			menu.PicPhotoOrAlbum("拍照或者相册发图", "k4"),
			menu.LocationSelect("发送位置", "k5"),
		),
		menu.Parent("素材",
			menu.PicWeixin("微信相册发图", "k6"),
			menu.Media("图片", "MEDIA_ID1"),
			menu.ViewLimited("图文消息", "MEDIA_ID2"),
			menu.Article("文章", "ARTICLE_ID1"),
			menu.ArticleViewLimited("文章页", "ARTICLE_ID2"),
		),
		menu.View("<a&b>", "https://example.com/?a=1&b=2"),
	)
	require.NoError(t, err)
}

func TestCreateRetriedAsIdempotent(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	var calls atomic.Int32
	srv.Handle("POST", "/cgi-bin/menu/create", func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		_, _ = w.Write(mptest.Fixture(t, "ok.json"))
	})
	require.NoError(t, menu.New(c).Create(context.Background(), docMenu()...))
	assert.EqualValues(t, 2, calls.Load())
}

func TestCreateDocSampleOfOtherTypesIsRejected(t *testing.T) {
	t.Parallel()
	// The official "其他新增按钮类型" sample has five top-level buttons:
	// every button is well-formed, but a menu holds at most three.
	var req struct {
		Button []menu.Button `json:"button"`
	}
	require.NoError(t, json.Unmarshal(mptest.Fixture(t, "menu_create_other_types.json"), &req))
	require.Len(t, req.Button, 5)
	err := menu.New(nil).Create(context.Background(), req.Button...)
	var ve *mp.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "button", ve.Field)
	assert.Equal(t, "menu.Create", ve.Op)
	// Three of them make a valid menu; the others, another.
	require.NoError(t, menu.Validate(req.Button[:3]))
	require.NoError(t, menu.Validate(req.Button[3:]))
}

func TestCreateValidatesBeforeSending(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Handle("", "/cgi-bin/menu/create", func(http.ResponseWriter, *http.Request) {
		t.Error("an invalid menu was sent")
	})
	err := menu.New(c).Create(context.Background(), menu.Click("", "k"))
	var ve *mp.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "button[0].name", ve.Field)
}

func TestErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, path string
		code               int
		call               func(*menu.Service) error
	}{
		{"Create", "POST", "/cgi-bin/menu/create", 40018, func(s *menu.Service) error {
			return s.Create(context.Background(), docMenu()...)
		}},
		{"Get", "GET", "/cgi-bin/menu/get", 46003, func(s *menu.Service) error {
			_, err := s.Get(context.Background())
			return err
		}},
		{"Delete", "GET", "/cgi-bin/menu/delete", 48001, func(s *menu.Service) error {
			return s.Delete(context.Background())
		}},
		{"CurrentSelfMenu", "GET", "/cgi-bin/get_current_selfmenu_info", 48001, func(s *menu.Service) error {
			_, err := s.CurrentSelfMenu(context.Background())
			return err
		}},
		{"AddConditional", "POST", "/cgi-bin/menu/addconditional", 65320, func(s *menu.Service) error {
			_, err := s.AddConditional(context.Background(), &menu.ConditionalMenu{Buttons: docMenu(), MatchRule: menu.MatchRule{TagID: "2"}})
			return err
		}},
		{"DeleteConditional", "POST", "/cgi-bin/menu/delconditional", 65301, func(s *menu.Service) error {
			return s.DeleteConditional(context.Background(), "208379533")
		}},
		{"TryMatch", "POST", "/cgi-bin/menu/trymatch", 46004, func(s *menu.Service) error {
			_, err := s.TryMatch(context.Background(), "weixin")
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := mptest.New(t)
			srv.Handle(tc.method, tc.path, func(w http.ResponseWriter, _ *http.Request) {
				mptest.ErrorJSON(w, tc.code, "some error")
			})
			err := tc.call(menu.New(c))
			var apiErr *mp.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, mp.ErrorCode(tc.code), apiErr.Code)
			assert.Equal(t, tc.path, apiErr.Path)
			assert.NotContains(t, err.Error(), mptest.AccessToken)
		})
	}
}

func TestGet(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/menu/get", "menu_get.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		assert.Empty(t, body)
	})
	got, err := menu.New(c).Get(context.Background())
	require.NoError(t, err)
	assert.Empty(t, got.Menu.MenuID)
	assert.Empty(t, got.Conditional)
	require.Len(t, got.Menu.Buttons, 3)
	assert.Equal(t, menu.Click("今日歌曲", "V1001_TODAY_MUSIC"), dropEmptySubs(got.Menu.Buttons[0]))
	assert.True(t, got.Menu.Buttons[2].IsParent())
	assert.Equal(t, menu.View("视频", "http://v.qq.com/"), dropEmptySubs(got.Menu.Buttons[2].SubButtons[1]))
	require.NoError(t, menu.Validate(got.Menu.Buttons), "a menu read back is valid input")
}

// dropEmptySubs clears the empty "sub_button": [] menu/get reports on leaves.
func dropEmptySubs(b menu.Button) menu.Button {
	if len(b.SubButtons) == 0 {
		b.SubButtons = nil
	}
	return b
}

func TestGetWithConditionalMenus(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/menu/get", "menu_get_conditional.json", nil)
	got, err := menu.New(c).Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, menu.MenuID("208396938"), got.Menu.MenuID)
	require.Len(t, got.Conditional, 1)
	cm := got.Conditional[0]
	assert.Equal(t, menu.MenuID("208396993"), cm.MenuID)
	assert.Equal(t, menu.MatchRule{GroupID: "2", Sex: "1", Country: "中国", Province: "广东", City: "广州",
		ClientPlatformType: menu.PlatformAndroid}, cm.MatchRule)
	require.Len(t, cm.Buttons, 2)
	assert.Len(t, cm.Buttons[1].SubButtons, 3)
}

func TestDelete(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/menu/delete", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		assert.Empty(t, body)
	})
	require.NoError(t, menu.New(c).Delete(context.Background()))
}

func TestCurrentSelfMenuAPI(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/get_current_selfmenu_info", "selfmenu_api.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
	})
	got, err := menu.New(c).CurrentSelfMenu(context.Background())
	require.NoError(t, err)
	assert.True(t, got.IsOpen())
	require.Len(t, got.SelfMenu.Buttons, 2)
	assert.Equal(t, menu.SelfMenuButton{Type: "click", Name: "今日歌曲", Key: "V1001_TODAY_MUSIC"}, got.SelfMenu.Buttons[0])
	assert.Nil(t, got.SelfMenu.Buttons[0].Subs())
	subs := got.SelfMenu.Buttons[1].Subs()
	require.Len(t, subs, 3)
	assert.Equal(t, menu.SelfMenuButton{Type: "view", Name: "视频", URL: "http://v.qq.com/"}, subs[1])
}

func TestCurrentSelfMenuWebsite(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/get_current_selfmenu_info", "selfmenu_website.json", nil)
	got, err := menu.New(c).CurrentSelfMenu(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, got.IsMenuOpen)
	b := got.SelfMenu.Buttons
	require.Len(t, b, 3)
	assert.Equal(t, menu.SelfMenuButton{Type: "text", Name: "text", Value: "This is text!"}, b[1])
	assert.Equal(t, "img", b[2].Type)
	subs := b[0].Subs()
	require.Len(t, subs, 4)
	news := subs[1]
	assert.Equal(t, "news", news.Type)
	assert.Equal(t, "KQb_w_Tiz-nSdVLoTV35Psmty8hGBulGhEdbb9SKs-o", news.Value)
	require.NotNil(t, news.NewsInfo)
	require.Len(t, news.NewsInfo.List, 2)
	assert.Equal(t, menu.NewsArticle{
		Title: "MULTI_NEWS1", Author: "JIMZHENG", Digest: "MULTI_NEWS1", ShowCover: 1,
		CoverURL:   "http://mmbiz.qpic.cn/mmbiz/GE7et87vE9vicuCibqXsX9GPPLuEtBfXfKnmnpXYgWmQD5gXUrEApIYBCgvh2yHsu3ic3anDUGtUCHwjiaEC5bicd7A/0",
		ContentURL: "http://mp.weixin.qq.com/s?__biz=MjM5ODUwNTM3Ng==&mid=204013432&idx=2&sn=8226843afb14ecdecb08d9ce46bc1d37#rd",
	}, news.NewsInfo.List[1])
	assert.Equal(t, "video", subs[2].Type)
}

func TestNilService(t *testing.T) {
	t.Parallel()
	var s *menu.Service
	_, err := s.Get(context.Background())
	require.Error(t, err)
	require.Error(t, menu.New(nil).Delete(context.Background()))
	require.Error(t, menu.New(nil).Create(context.Background(), docMenu()...))
	assert.False(t, errors.As(err, new(*mp.APIError)))
}
