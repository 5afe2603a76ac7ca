package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/syncbuf"
	"github.com/wxkit/mp/sim"
)

// TestSmoke runs the -smoke conversation: the simulator in safe mode checks
// every signed, encrypted reply of echo's handler.
func TestSmoke(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	errOut := &syncbuf.Buffer{}
	require.NoError(t, runSmoke(context.Background(), &out, errOut), errOut.String())
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 6, out.String())
	assert.Regexp(t, `^echo on http://127\.0\.0\.1:\d+/wechat, simulator on http://127\.0\.0\.1:\d+ \(safe mode\)$`, lines[0])
	assert.Equal(t, []string{
		"1. echo created its menu on the simulator (Hello, Profile)",
		`2. Alice follows: echo replies "Welcome! Send me any text and I will echo it." (signed and encrypted, checked by the simulator)`,
		`3. Alice sends "hello": echo replies "hello" (signed and encrypted, checked by the simulator)`,
		`4. Alice clicks Hello: echo replies "你好！" (signed and encrypted, checked by the simulator)`,
		"smoke test passed",
	}, lines[1:])
	assert.True(t, strings.HasPrefix(errOut.String(), "echo: -smoke: running against the built-in simulator (safe mode)\n"), errOut.String())
	assert.Contains(t, errOut.String(), "echo: menu created (Hello, Profile)")
	assert.NotContains(t, errOut.String(), devEncodingAESKey)
	assert.NotContains(t, errOut.String(), devAppSecret)
}

func TestSmokeHelpers(t *testing.T) {
	t.Parallel()
	menu := []sim.Button{{Type: "view", Name: "Profile", URL: "http://x/profile"},
		{Name: "More", SubButton: []sim.Button{{Type: "click", Name: "Hi", Key: "hi"}}}}
	assert.True(t, hasClickButton(menu, "hi"))
	assert.False(t, hasClickButton(menu, HelloKey))
	assert.False(t, hasClickButton(nil, HelloKey))

	assert.Equal(t, "no reply", describe(nil))
	assert.Equal(t, `the text "x"`, describe(&sim.Reply{MsgType: "text", Content: "x"}))
	assert.Equal(t, "a news reply", describe(&sim.Reply{MsgType: "news"}))
}
