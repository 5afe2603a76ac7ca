package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPISubscribePopupAndKf(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, envOptions{noPay: true})
	id := e.sim.AddSubscribeTemplate("发货通知", "商品:{{thing1.DATA}}", 2)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Ann/follow", nil, nil))
	var r actionResponse
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Ann/subscribe_msg", map[string]any{"accept": []string{id}}, &r))
	assert.True(t, r.Pushed)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/followers/Ann/subscribe_msg_refuse", map[string]any{"template_ids": []string{id}}, &r))
	var ae apiError
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/followers/Ann/subscribe_msg", map[string]any{"accept": []string{"nope"}}, &ae))
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/followers/Nobody/subscribe_msg", map[string]any{"accept": []string{id}}, &ae))

	assert.Equal(t, http.StatusConflict, e.call(t, "POST", "/sim/api/kf/invite_accept", map[string]string{"kf_account": "a@gh"}, &ae))
	assert.Equal(t, http.StatusBadRequest, e.call(t, "POST", "/sim/api/kf/accept", map[string]string{"user": "Ann"}, &ae))
	assert.Equal(t, http.StatusConflict, e.call(t, "POST", "/sim/api/kf/accept", map[string]string{"kf_account": "a@gh", "user": "Ann"}, &ae))
	assert.Equal(t, http.StatusNotFound, e.call(t, "POST", "/sim/api/kf/switch", map[string]string{"kf_account": "a@gh", "user": "Zed"}, &ae))

	e.platform(t, "/customservice/kfaccount/add", `{"kf_account":"a@gh","nickname":"A"}`)
	e.platform(t, "/customservice/kfaccount/inviteworker", `{"kf_account":"a@gh","invite_wx":"a_wx"}`)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/kf/invite_accept", map[string]string{"kf_account": "a@gh"}, nil))
	e.platform(t, "/customservice/kfsession/create", `{"kf_account":"a@gh","openid":"`+e.sim.Users()[0].OpenID()+`"}`)
	e.platform(t, "/customservice/kfaccount/add", `{"kf_account":"b@gh","nickname":"B"}`)
	e.platform(t, "/customservice/kfaccount/inviteworker", `{"kf_account":"b@gh","invite_wx":"b_wx"}`)
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/kf/invite_accept", map[string]string{"kf_account": "b@gh"}, nil))
	require.Equal(t, http.StatusOK, e.call(t, "POST", "/sim/api/kf/switch", map[string]string{"kf_account": "b@gh", "user": "Ann"}, nil))
}
