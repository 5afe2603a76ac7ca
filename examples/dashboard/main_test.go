package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOnceAgainstSimulator(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := realMain(context.Background(), []string{"-once", "-days", "10"}, func(string) string { return "" }, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "dashboard (simulator): 10 days")
	assert.Contains(t, out.String(), "4 comments, 5 quota rows")
	assert.Contains(t, errOut.String(), "built-in simulator")
}

func TestEnv(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	env := map[string]string{"WECHAT_APPID": "wx1"}
	code := realMain(context.Background(), []string{"-once"}, func(k string) string { return env[k] }, &out, &errOut)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut.String(), "set both WECHAT_APPID and WECHAT_APPSECRET")
	assert.Equal(t, 2, realMain(context.Background(), []string{"-days", "1"}, func(string) string { return "" }, &out, &errOut))

	arts, err := parseArticles("2247490098_0, 12_3")
	require.NoError(t, err)
	assert.Len(t, arts, 2)
	_, err = parseArticles("nope")
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "msg_data_id_index"))
}
