package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstartStory(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out), out.String())
	s := out.String()
	for _, want := range []string{
		`bot → Alice: "Welcome! You found us through poster-42."`,
		`bot → Alice: "hello"`,
		`bot → Alice: "你好！"`,
		"| 订单号：ORDER-42",
		"you are logged in as o",
		"ORDER-42 SUCCESS",
		"Alice's card wallet: wxkit咖啡 会员卡, 18 points",
		"All 9 steps passed.",
	} {
		assert.Contains(t, s, want)
	}
}
