package message

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeyedMutexIsBoundedAndCancelable(t *testing.T) {
	t.Parallel()
	var k keyedMutex
	ctx := context.Background()
	var wg sync.WaitGroup
	counts := map[int]int{}
	var mu sync.Mutex // guards counts only to let the race detector judge the key locks
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := "user" + string(rune('a'+i%5))
			unlock, err := k.lock(ctx, key)
			if !assert.NoError(t, err) {
				return
			}
			defer unlock()
			mu.Lock()
			counts[i%5]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	assert.Equal(t, 0, k.len(), "no entry outlives its holders")

	unlock := k.tryLock("u")
	require.NotNil(t, unlock)
	assert.Nil(t, k.tryLock("u"), "held")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := k.lock(cctx, "u")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, k.len())
	unlock()
	assert.Equal(t, 0, k.len())
}

func TestFlowLockWaitIsBounded(t *testing.T) {
	t.Parallel()
	r := NewRouter(WithFlowLockWait(1)) // 1ns: any wait fails
	r.Flow("f", func(context.Context, *Session, Message) (Reply, error) { return nil, nil })
	m := &Text{Header: Header{ToUserName: "gh", FromUserName: "u", MsgType: MsgTypeText}}
	unlock := r.locks.tryLock(flowKey(&m.Header))
	require.NotNil(t, unlock)
	_, err := r.ServeMessage(context.Background(), m)
	assert.ErrorIs(t, err, ErrFlowBusy)
	unlock()
	_, err = r.ServeMessage(context.Background(), m)
	assert.NoError(t, err)
}
