package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxkit/mp/sim"
)

func TestRunsAgainstTheSimulator(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := realMain(context.Background(), func(string) string { return "" }, &out, &errOut)
	assert.Equal(t, 0, code, errOut.String())
	assert.Contains(t, errOut.String(), simNotice)
	assert.Contains(t, out.String(), "component_verify_ticket received")
	assert.Contains(t, out.String(), "/cgi-bin/componentloginpage?component_appid=")
	assert.Contains(t, out.String(), "authorized by wx")
	for _, id := range []string{sim.DefaultAppID, "wx51a0de0000000002"} {
		assert.Contains(t, out.String(), "authorized by "+id)
		assert.Contains(t, out.String(), "menu of "+id+" created on its behalf: 今日特价")
		assert.Contains(t, out.String(), "follower got: "+id+" heard: hello")
	}
}

func TestPartialEnvironment(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	env := map[string]string{"WECHAT_COMPONENT_APPID": "wx"}
	code := realMain(context.Background(), func(k string) string { return env[k] }, &out, &errOut)
	assert.Equal(t, 0, code)
	assert.Contains(t, out.String(), usage)
}
