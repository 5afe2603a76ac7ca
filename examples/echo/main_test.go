package main

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/crypto"
	"github.com/wxkit/mp/message"
)

type replyDoc struct {
	ToUserName, FromUserName, MsgType, Content string
	Encrypt, MsgSignature, TimeStamp, Nonce    string
}

var msgID atomic.Int64

func push(content, msgType, event string) string {
	if msgType == "event" {
		return "<xml><ToUserName><![CDATA[gh_echo]]></ToUserName><FromUserName><![CDATA[user1]]></FromUserName><CreateTime>" +
			"1409304348</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[" + event + "]]></Event></xml>"
	}
	return "<xml><ToUserName><![CDATA[gh_echo]]></ToUserName><FromUserName><![CDATA[user1]]></FromUserName><CreateTime>" +
		"1409304348</CreateTime><MsgType><![CDATA[" + msgType + "]]></MsgType><Content><![CDATA[" + strings.ReplaceAll(content, "]]>", "]]]]><![CDATA[>") +
		"]]></Content><MsgId>" + strconv.FormatInt(msgID.Add(1), 10) + "</MsgId></xml>"
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	cfg, dev := loadConfig(func(string) string { return "" })
	assert.True(t, dev)
	assert.Equal(t, devToken, cfg.Token)
	assert.Equal(t, devEncodingAESKey, cfg.EncodingAESKey)
	env := map[string]string{"WECHAT_TOKEN": "tok", "WECHAT_APPID": "wxapp"}
	cfg, dev = loadConfig(func(k string) string { return env[k] })
	assert.False(t, dev)
	assert.Equal(t, message.Config{AppID: "wxapp", Token: "tok"}, cfg)
	_, err := newHandler(message.Config{Token: "t", EncodingAESKey: "bad", AppID: "a"})
	assert.Error(t, err)
}

func TestEcho(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"plaintext", "safe"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			cfg, _ := loadConfig(func(string) string { return "" })
			if mode == "plaintext" {
				cfg = message.Config{Token: devToken}
			}
			now := time.Now()
			h, err := newHandler(cfg)
			require.NoError(t, err)
			srv := httptest.NewServer(h)
			defer srv.Close()
			env, err := crypto.NewEnvelope(devToken, devEncodingAESKey, devAppID)
			require.NoError(t, err)
			ts := strconv.FormatInt(now.Unix(), 10)
			var nonces atomic.Int64

			send := func(body string) replyDoc {
				// A fresh nonce per push, as WeChat sends: a plaintext
				// signature is accepted with one body only.
				nonce := strconv.FormatInt(12345+nonces.Add(1), 10)
				q := url.Values{"signature": {crypto.Signature(devToken, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}, "openid": {"user1"}}
				if mode == "safe" {
					enc, err := env.Cipher().Encrypt([]byte(body))
					require.NoError(t, err)
					q.Set("encrypt_type", "aes")
					q.Set("msg_signature", crypto.MsgSignature(devToken, ts, nonce, enc))
					body = "<xml><ToUserName><![CDATA[gh_echo]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
				}
				resp, err := http.Post(srv.URL+Path+"?"+q.Encode(), "text/xml", strings.NewReader(body))
				require.NoError(t, err)
				defer resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode)
				b, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				if string(b) == "success" {
					return replyDoc{Content: "success"}
				}
				var d replyDoc
				require.NoError(t, xml.Unmarshal(b, &d), "%s", b)
				if mode == "safe" {
					require.True(t, crypto.CheckMsgSignature(devToken, d.TimeStamp, d.Nonce, d.Encrypt, d.MsgSignature))
					plain, err := env.Cipher().Decrypt(d.Encrypt)
					require.NoError(t, err)
					d = replyDoc{}
					require.NoError(t, xml.Unmarshal(plain, &d))
				}
				return d
			}
			for _, content := range []string{"hello", "你好 ]]> <b>&amp;", "  spaced  "} {
				d := send(push(content, "text", ""))
				assert.Equal(t, "text", d.MsgType)
				assert.Equal(t, content, d.Content)
				assert.Equal(t, "user1", d.ToUserName)
				assert.Equal(t, "gh_echo", d.FromUserName)
			}
			assert.Equal(t, Welcome, send(push("", "event", "subscribe")).Content)
			assert.Equal(t, "success", send(push("", "event", "CLICK")).Content)
			assert.Equal(t, "success", send(push("x", "image", "")).Content)

			// URL verification.
			q := url.Values{"signature": {crypto.Signature(devToken, ts, "12345")}, "timestamp": {ts}, "nonce": {"12345"}, "echostr": {"abc"}}
			resp, err := http.Get(srv.URL + Path + "?" + q.Encode())
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, "abc", string(b))
		})
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	err := run([]string{"-nope"}, func(string) string { return "" }, &sb)
	assert.Error(t, err)
}
