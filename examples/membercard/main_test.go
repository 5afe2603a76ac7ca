package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemberCardStory(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out), out.String())
	s := out.String()
	for _, want := range []string{
		"passed review",
		`via "counter-poster"`,
		"is member BEAN-10001 with 0 points",
		"bonus +18",
		"Alice's card now has 18 points",
		"豆子咖啡 豆子会员卡 No.BEAN-10001, 18 points",
		"consumed (FROM_API)",
		"errcode 40099",
		"All 5 steps passed.",
	} {
		assert.Contains(t, s, want)
	}
}
