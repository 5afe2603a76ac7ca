package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// postImage posts pic in the multipart field img (and the fields) to path.
func postVisionImage(t *testing.T, s *Sim, tok, path string, q url.Values, pic []byte, fields map[string]string) map[string]any {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	if pic != nil {
		w, err := mw.CreateFormFile("img", "pic.png")
		require.NoError(t, err)
		_, err = w.Write(pic)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	if q == nil {
		q = url.Values{}
	}
	q.Set("access_token", tok)
	resp, err := http.Post(s.URL+path+"?"+q.Encode(), mw.FormDataContentType(), &body)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	return out
}

// TestVisionRefusals: what the SDK refuses before sending, the simulator
// refuses too.
func TestVisionRefusals(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	// 2 MB or more: 40009; 2 MB minus one byte passes.
	assert.Equal(t, 40009, errcode(postVisionImage(t, s, tok, "/cv/ocr/platenum", nil, make([]byte, MaxVisionImageSize), nil)))
	assert.Equal(t, 0, errcode(postVisionImage(t, s, tok, "/cv/ocr/platenum", nil, make([]byte, MaxVisionImageSize-1), nil)))
	// No picture at all: 41005.
	assert.Equal(t, 41005, errcode(api(t, s, tok, "POST", "/cv/ocr/bankcard", nil)))
	assert.Equal(t, 41005, errcode(postVisionImage(t, s, tok, "/cv/img/aicrop", nil, nil, map[string]string{"ratios": "1"})))
	// img_url that is not a URL: 101000.
	assert.Equal(t, 101000, errcode(api(t, s, tok, "POST", "/cv/ocr/comm", nil, "img_url", "file:///etc/passwd")))
	// idcard wants type photo or scan.
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/cv/ocr/idcard", nil, "img_url", "https://example.com/a.jpg")))
	// At most five ratios, each a positive number.
	assert.Equal(t, 40097, errcode(postVisionImage(t, s, tok, "/cv/img/aicrop", nil, VisionImage("x"), map[string]string{"ratios": "1,2,3,4,5,6"})))
	assert.Equal(t, 40097, errcode(postVisionImage(t, s, tok, "/cv/img/aicrop", nil, VisionImage("x"), map[string]string{"ratios": "1,-2"})))
	// Without a token, nothing.
	assert.Equal(t, 41001, errcode(do(t, s, "POST", "/cv/ocr/platenum", url.Values{"img_url": {"https://example.com/a.jpg"}}, nil)))
}

func TestVisionAnswers(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	pic := VisionImage("https://example.com/pay?id=1")
	qr := postVisionImage(t, s, tok, "/cv/img/qrcode", nil, pic, nil)
	codes := qr["code_results"].([]any)
	require.Len(t, codes, 1)
	assert.Equal(t, "https://example.com/pay?id=1", codes[0].(map[string]any)["data"])
	assert.Equal(t, map[string]any{"w": 320.0, "h": 200.0}, qr["img_size"])

	// The same bytes give the same answer; the bank card number passes Luhn.
	a := api(t, s, tok, "POST", "/cv/ocr/bankcard", nil, "img_url", "https://example.com/card.jpg")
	b := api(t, s, tok, "POST", "/cv/ocr/bankcard", nil, "img_url", "https://example.com/card.jpg")
	assert.Equal(t, a, b)
	n := a["number"].(string)
	require.Len(t, n, 16)
	assert.Equal(t, n, visionLuhn(n[:15]))

	crop := postVisionImage(t, s, tok, "/cv/img/aicrop", nil, pic, map[string]string{"ratios": "1,2.35"})
	assert.Equal(t, []any{
		map[string]any{"crop_left": 60.0, "crop_top": 0.0, "crop_right": 259.0, "crop_bottom": 199.0},
		map[string]any{"crop_left": 0.0, "crop_top": 32.0, "crop_right": 319.0, "crop_bottom": 167.0},
	}, crop["results"])
}

func TestIDNumberChecksum(t *testing.T) {
	t.Parallel()
	id := newVisionFacts([]byte("x")).idNumber()
	require.Len(t, id, 18)
	assert.True(t, strings.HasPrefix(id, "440106"))
	// The documented example 11010519491231002X has check digit X.
	body := "11010519491231002"
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * weights[i]
	}
	assert.Equal(t, byte('X'), "10X98765432"[sum%11])
}

func TestChangeOpenIDRefusals(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	s.SetMigratedFrom("wxold")
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = "oEmYbwN-n24jxvk4Sox81qedINkQ"
	}
	assert.Equal(t, 40032, errcode(api(t, s, tok, "POST", "/cgi-bin/changeopenid", map[string]any{"from_appid": "wxold", "openid_list": ids})))
	assert.Equal(t, 40032, errcode(api(t, s, tok, "POST", "/cgi-bin/changeopenid", map[string]any{"from_appid": "wxold", "openid_list": []string{}})))
	assert.Equal(t, 41002, errcode(api(t, s, tok, "POST", "/cgi-bin/changeopenid", map[string]any{"openid_list": ids[:1]})))
	assert.Equal(t, 63178, errcode(api(t, s, tok, "POST", "/cgi-bin/changeopenid", map[string]any{"from_appid": "wxother", "openid_list": ids[:1]})))
	ok := api(t, s, tok, "POST", "/cgi-bin/changeopenid", map[string]any{"from_appid": "wxold", "openid_list": ids[:100]})
	assert.Len(t, ok["result_list"], 100)
}

func TestOneTimeSendRefusals(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	f := s.NewUser("u")
	link := "https://mp.weixin.qq.com/mp/subscribemsg?action=get_confirm&appid=" + DefaultAppID +
		"&scene=5&template_id=" + DefaultOneTimeTemplateID + "&redirect_url=https%3A%2F%2Fexample.com&reserved=r#wechat_redirect"
	back, err := s.SubscribeOnce(f, link, true)
	require.NoError(t, err)
	assert.Equal(t, "https://example.com?openid="+url.QueryEscape(f.OpenID())+"&template_id="+DefaultOneTimeTemplateID+"&action=confirm&scene=5&reserved=r", back)
	msg := func(edit func(m map[string]any)) map[string]any {
		m := map[string]any{"touser": f.OpenID(), "template_id": DefaultOneTimeTemplateID, "scene": "5", "title": "标题",
			"data": map[string]any{"content": map[string]any{"value": "内容"}}}
		edit(m)
		return m
	}
	send := func(m map[string]any) int {
		return errcode(api(t, s, tok, "POST", "/cgi-bin/message/template/subscribe", m))
	}
	assert.Equal(t, 45002, send(msg(func(m map[string]any) { m["title"] = strings.Repeat("长", 16) })))
	assert.Equal(t, 47001, send(msg(func(m map[string]any) { m["scene"] = "abc" })))
	assert.Equal(t, 47001, send(msg(func(m map[string]any) { delete(m, "title") })))
	assert.Equal(t, 0, send(msg(func(m map[string]any) { m["scene"] = 5 }))) // a number is read too
	assert.Equal(t, 43101, send(msg(func(map[string]any) {})))
	_, err = s.SubscribeOnce(f, strings.Replace(link, "action=get_confirm", "action=other", 1), true)
	assert.Error(t, err)
}

func TestUploadMassVideoRefusals(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	assert.Equal(t, 41006, errcode(api(t, s, tok, "POST", "/cgi-bin/media/uploadvideo", map[string]any{"title": "t"})))
	assert.Equal(t, 40007, errcode(api(t, s, tok, "POST", "/cgi-bin/media/uploadvideo", map[string]any{"media_id": "nope"})))
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/channels/ec/service/product/getcardinfo", map[string]any{"product_id": "1", "article_type": "news"})))
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/channels/ec/service/product/getcardinfo", map[string]any{"product_id": "1", "article_type": "newspic", "card_type": 0})))
	ok := api(t, s, tok, "POST", "/channels/ec/service/product/getcardinfo", map[string]any{"product_id": "1", "article_type": "newspic", "card_type": 3})
	assert.Equal(t, s.ProductKey("1"), ok["product_key"])
}
