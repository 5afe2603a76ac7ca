package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/sim"
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

func TestRealMainWithPartialConfig(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := realMain(func(k string) string {
		if k == "WECHAT_APPID" {
			return "wx1"
		}
		return ""
	}, &out, &errOut)
	assert.Equal(t, 0, code)
	assert.Contains(t, out.String(), "WECHAT_TEMPLATE_ID")
	assert.Contains(t, out.String(), "Missing: [WECHAT_APPSECRET WECHAT_TEMPLATE_ID WECHAT_OPENID]")
	assert.Empty(t, errOut.String())
}

// TestRealMainWithoutConfig runs the example with no environment: against
// the built-in simulator, whose follower receives the rendered message.
func TestRealMainWithoutConfig(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := realMain(func(string) string { return "" }, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Equal(t, simNotice+"\n", errOut.String())
	lines := strings.Split(out.String(), "\n")
	require.Len(t, lines, 6, out.String())
	assert.Regexp(t, `^sent template message \S+ to o\S{27}: msgid [1-9][0-9]*$`, lines[0])
	assert.Regexp(t, `^Alice \(o\S{27}\) received template message \S+ \(msgid [1-9][0-9]*\):$`, lines[1])
	assert.Equal(t, "  事项:wxkit/mp 模板消息示例", lines[2])
	assert.Regexp(t, `^  时间:\d{4}-\d\d-\d\d \d\d:\d\d$`, lines[3])
	assert.Equal(t, "  (opens https://github.com/wxkit/mp)", lines[4])
	assert.Empty(t, lines[5])
}

// TestRunAgainstSimulator checks what the simulated follower received.
func TestRunAgainstSimulator(t *testing.T) {
	t.Parallel()
	s, err := sim.Start(sim.Options{})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	bob := s.NewUser("Bob")
	_, err = bob.Follow(context.Background())
	require.ErrorIs(t, err, sim.ErrNoCallbackURL)
	acct := s.Account()
	c, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	require.NoError(t, err)

	var out bytes.Buffer
	require.NoError(t, run(context.Background(), c, sim.DefaultTemplateID, bob.OpenID(), &out))
	inbox := bob.Inbox()
	require.Len(t, inbox, 1)
	d := inbox[0]
	assert.Equal(t, sim.DeliveryTemplate, d.Kind)
	assert.Equal(t, sim.DefaultTemplateID, d.TemplateID)
	assert.Equal(t, "https://github.com/wxkit/mp", d.URL)
	assert.Equal(t, "wxkit/mp 模板消息示例", d.Data["thing1"])
	assert.Equal(t, fmt.Sprintf("sent template message %s to %s: msgid %d\n", sim.DefaultTemplateID, bob.OpenID(), d.MsgID), out.String())

	// A user who does not follow cannot receive it.
	carol := s.NewUser("Carol")
	err = run(context.Background(), c, sim.DefaultTemplateID, carol.OpenID(), &out)
	var apiErr *mp.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, mp.CodeRequireSubscribe, apiErr.Code)
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
