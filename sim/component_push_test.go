package sim

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/crypto"
)

// TestFollowerPushGoesToThePlatform checks that, while the account is
// authorized to the platform, a follower's push is encrypted with the
// platform's key, sent to its MessageURL, and that the reply must be sealed
// with the platform's key; revoked, pushes go back to the account.
func TestFollowerPushGoesToThePlatform(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSim(t, Options{})
	co := s.Component()
	platform, err := crypto.NewEnvelope(co.Token, co.EncodingAESKey, co.AppID)
	require.NoError(t, err)
	account, err := crypto.NewEnvelope(s.Account().Token, s.Account().EncodingAESKey, s.Account().AppID)
	require.NoError(t, err)
	var sealWith atomic.Pointer[crypto.Envelope]
	sealWith.Store(platform)
	paths := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths <- r.URL.Path
		q := r.URL.Query()
		body, _ := io.ReadAll(r.Body)
		plain, err := platform.Open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), body)
		if !assert.NoError(t, err, "the push is sealed with the platform's key") {
			http.Error(w, "bad", http.StatusForbidden)
			return
		}
		assert.Equal(t, "aes", q.Get("encrypt_type"))
		if !strings.Contains(string(plain), "<MsgType><![CDATA[text]]></MsgType>") {
			_, _ = io.WriteString(w, "success")
			return
		}
		reply := "<xml><ToUserName><![CDATA[" + q.Get("openid") + "]]></ToUserName><FromUserName><![CDATA[" + s.Account().OriginalID +
			"]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[from the platform]]></Content></xml>"
		out, err := sealWith.Load().Seal([]byte(reply), q.Get("timestamp"), "n1")
		assert.NoError(t, err)
		_, _ = w.Write(out)
	}))
	t.Cleanup(srv.Close)
	require.NoError(t, s.ConfigureComponentMessageURL(srv.URL+"/wechat/$APPID$"))
	st := s.comp()
	st.mu.Lock()
	st.auths[s.Account().AppID] = &authorization{refresh: "refreshtoken@@@test", options: map[string]string{}}
	st.mu.Unlock()

	alice := s.NewUser("alice")
	_, err = alice.Follow(ctx)
	require.NoError(t, err)
	assert.Equal(t, "/wechat/"+s.Account().AppID, <-paths)
	r, err := alice.SendText(ctx, "hi")
	require.NoError(t, err)
	require.NotNil(t, r)
	assert.Equal(t, "from the platform", r.Content)
	<-paths

	// A reply sealed with the account's own key is not the platform's.
	sealWith.Store(account)
	_, err = alice.SendText(ctx, "hi")
	var re *ReplyError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, re.Reason, "platform reply")
	<-paths

	require.NoError(t, s.RevokeComponent(ctx))
	_, err = alice.SendText(ctx, "hi")
	require.ErrorIs(t, err, ErrNoCallbackURL)
}
