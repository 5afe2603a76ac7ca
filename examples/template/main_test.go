package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

func TestRun(t *testing.T) {
	t.Parallel()
	srv, client := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/template/send", "send.json", func(t testing.TB, r *http.Request, body []byte) {
		var msg struct {
			ToUser      string                       `json:"touser"`
			TemplateID  string                       `json:"template_id"`
			URL         string                       `json:"url"`
			ClientMsgID string                       `json:"client_msg_id"`
			Data        map[string]map[string]string `json:"data"`
		}
		assert.NoError(t, json.Unmarshal(body, &msg))
		assert.Equal(t, "OPENID", msg.ToUser)
		assert.Equal(t, "TEMPLATE_ID", msg.TemplateID)
		assert.Equal(t, "https://github.com/wxkit/mp", msg.URL)
		assert.True(t, strings.HasPrefix(msg.ClientMsgID, "wxkit-example-"))
		assert.Equal(t, "wxkit/mp 模板消息示例", msg.Data["thing1"]["value"])
		assert.NotEmpty(t, msg.Data["time2"]["value"])
	})
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), client, "TEMPLATE_ID", "OPENID", &out))
	assert.Equal(t, "sent template message TEMPLATE_ID to OPENID: msgid 200228332\n", out.String())
}

func TestRunError(t *testing.T) {
	t.Parallel()
	srv, client := mptest.New(t)
	srv.Handle("POST", "/cgi-bin/message/template/send", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 40037, "invalid template_id")
	})
	err := run(context.Background(), client, "BAD", "OPENID", &bytes.Buffer{})
	var apiErr *mp.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, mp.CodeInvalidTemplateID, apiErr.Code)
}

func TestRealMainWithoutConfig(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := realMain(func(string) string { return "" }, &out, &errOut)
	assert.Equal(t, 0, code)
	assert.Contains(t, out.String(), "WECHAT_TEMPLATE_ID")
	assert.Contains(t, out.String(), "Missing: [WECHAT_APPID WECHAT_APPSECRET WECHAT_TEMPLATE_ID WECHAT_OPENID]")
	assert.Empty(t, errOut.String())
}

// TestRealMainAgainstSimulator drives the whole program, token fetch
// included, against a fake WeChat given as WECHAT_BASE_URL.
func TestRealMainAgainstSimulator(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/cgi-bin/stable_token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"access_token":"SIM_TOKEN","expires_in":7200}`))
	})
	mux.HandleFunc("/cgi-bin/token", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"access_token":"SIM_TOKEN","expires_in":7200}`))
	})
	mux.HandleFunc("/cgi-bin/message/template/send", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "SIM_TOKEN", r.URL.Query().Get("access_token"))
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok","msgid":42}`))
	})
	sim := httptest.NewServer(mux)
	defer sim.Close()

	vars := map[string]string{
		"WECHAT_APPID": "wx1234567890abcdef", "WECHAT_APPSECRET": "SECRET_VALUE",
		"WECHAT_TEMPLATE_ID": "TPL", "WECHAT_OPENID": "OPENID", "WECHAT_BASE_URL": sim.URL,
	}
	var out, errOut bytes.Buffer
	code := realMain(func(k string) string { return vars[k] }, &out, &errOut)
	assert.Equal(t, 0, code, errOut.String())
	assert.Equal(t, "sent template message TPL to OPENID: msgid 42\n", out.String())
	assert.NotContains(t, errOut.String(), "SECRET_VALUE")
}
