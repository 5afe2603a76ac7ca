package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
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
	assert.Contains(t, out.String(), "created on its behalf: 今日歌曲")
}

func TestPartialEnvironment(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	env := map[string]string{"WECHAT_COMPONENT_APPID": "wx"}
	code := realMain(context.Background(), func(k string) string { return env[k] }, &out, &errOut)
	assert.Equal(t, 0, code)
	assert.Contains(t, out.String(), usage)
}
