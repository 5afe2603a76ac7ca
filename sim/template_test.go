package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTemplateSend(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	dev := newDevServer(t, s, nil)
	tok := token(t, s)
	u := s.NewUser("Tpl")
	body := map[string]any{
		"touser": u.OpenID(), "template_id": DefaultTemplateID, "url": "http://weixin.qq.com/download",
		"data": map[string]any{
			"first":    map[string]string{"value": "恭喜你购买成功！"},
			"keyword1": map[string]string{"value": "20240501001", "color": "#173177"},
			"keyword2": map[string]string{"value": "39.8元"},
			"remark":   map[string]string{"value": "欢迎再次购买！"},
		},
	}
	assert.Equal(t, 43004, errcode(api(t, s, tok, "POST", "/cgi-bin/message/template/send", body)))
	_, err := u.Follow(ctx(t))
	require.NoError(t, err)
	out := api(t, s, tok, "POST", "/cgi-bin/message/template/send", body)
	require.Equal(t, 0, errcode(out))
	assert.Equal(t, "ok", out["errmsg"])
	msgid := out["msgid"].(float64)
	assert.NotZero(t, msgid)

	d, err := u.WaitFor(ctx(t), func(d Delivery) bool { return d.Kind == DeliveryTemplate })
	require.NoError(t, err)
	assert.Equal(t, "恭喜你购买成功！\n订单号：20240501001\n金额：39.8元\n欢迎再次购买！", d.Content)
	assert.Equal(t, DefaultTemplateID, d.TemplateID)
	assert.Equal(t, "39.8元", d.Data["keyword2"])
	assert.Equal(t, int64(msgid), d.MsgID)

	s.WaitIdle()
	p := dev.waitPush(func(p pushed) bool { return p.Msg["Event"] == "TEMPLATESENDJOBFINISH" })
	assert.Equal(t, u.OpenID(), p.Msg["FromUserName"])
	assert.Equal(t, itoa(int64(msgid)), p.Msg["MsgID"])
	assert.Equal(t, "success", p.Msg["Status"])

	body["template_id"] = "nope"
	assert.Equal(t, 40037, errcode(api(t, s, tok, "POST", "/cgi-bin/message/template/send", body)))
	body["template_id"] = DefaultTemplateID
	body["touser"] = "nobody"
	assert.Equal(t, 40003, errcode(api(t, s, tok, "POST", "/cgi-bin/message/template/send", body)))
}

func TestTemplateManagement(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	list := api(t, s, tok, "GET", "/cgi-bin/template/get_all_private_template", nil)["template_list"].([]any)
	require.Len(t, list, 1)
	first := list[0].(map[string]any)
	assert.Equal(t, DefaultTemplateID, first["template_id"])
	assert.Equal(t, "{{first.DATA}}\n订单号：{{keyword1.DATA}}\n金额：{{keyword2.DATA}}\n{{remark.DATA}}", first["content"])

	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/template/api_set_industry", map[string]string{"industry_id1": "1", "industry_id2": "4"})))
	ind := api(t, s, tok, "GET", "/cgi-bin/template/get_industry", nil)
	assert.Equal(t, map[string]any{"first_class": "IT科技", "second_class": "互联网|电子商务"}, ind["primary_industry"])
	assert.Equal(t, map[string]any{"first_class": "IT科技", "second_class": "电子技术"}, ind["secondary_industry"])
	assert.Equal(t, 40097, errcode(api(t, s, tok, "POST", "/cgi-bin/template/api_set_industry", map[string]string{"industry_id1": "99", "industry_id2": "4"})))

	added := api(t, s, tok, "POST", "/cgi-bin/template/api_add_template", map[string]any{"template_id_short": "TM00015", "keyword_name_list": []string{"物品名称", "购买时间"}})
	require.Equal(t, 0, errcode(added))
	id := added["template_id"].(string)
	assert.Len(t, api(t, s, tok, "GET", "/cgi-bin/template/get_all_private_template", nil)["template_list"], 2)
	assert.Equal(t, 40037, errcode(api(t, s, tok, "POST", "/cgi-bin/template/api_add_template", map[string]any{})))

	newID := s.AddTemplate("到货通知", "{{first.DATA}}\n{{remark.DATA}}")
	assert.NotEmpty(t, newID)
	require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/template/del_private_template", map[string]string{"template_id": id})))
	assert.Equal(t, 40037, errcode(api(t, s, tok, "POST", "/cgi-bin/template/del_private_template", map[string]string{"template_id": id})))
	assert.Len(t, api(t, s, tok, "GET", "/cgi-bin/template/get_all_private_template", nil)["template_list"], 2)
}

func TestRender(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "a1b", render("a{{x.DATA}}b", map[string]string{"x": "1"}))
	assert.Equal(t, "ab", render("a{{missing.DATA}}b", nil))
	assert.Equal(t, "a{{broken", render("a{{broken", nil))
}
