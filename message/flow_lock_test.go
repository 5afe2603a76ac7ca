package message_test

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/message"
)

// countingRouter is a Router whose flow "count" answers with how many
// messages the user sent in the flow. Each step yields between reading and
// writing the state, so that overlapping steps interleave.
func countingRouter(opts ...message.RouterOption) *message.Router {
	r := message.NewRouter(opts...)
	count := r.Flow("count", func(ctx context.Context, s *message.Session, m message.Message) (message.Reply, error) {
		n, _ := strconv.Atoi(s.Get("n"))
		for range 10 {
			runtime.Gosched()
		}
		s.Set("n", strconv.Itoa(n+1))
		return message.TextReply{Content: strconv.Itoa(n + 1)}, nil
	})
	r.Keyword("start", func(ctx context.Context, m message.Message) (message.Reply, error) {
		return message.TextReply{Content: "0"}, count.Start(ctx, m, "counting")
	})
	return r
}

// overlapSteps sends n messages of one user at once, spread over the
// routers (one per "process"), and checks that every step saw the state of
// the previous one: the answers are 1..n.
func overlapSteps(t *testing.T, routers []*message.Router, n int) {
	t.Helper()
	ctx := context.Background()
	_, err := routers[0].ServeMessage(ctx, text("start"))
	require.NoError(t, err)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		answers []int
	)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			rep, err := routers[i%len(routers)].ServeMessage(ctx, text("x"))
			if !assert.NoError(t, err) || !assert.NotNil(t, rep) {
				return
			}
			v, _ := strconv.Atoi(rep.(message.TextReply).Content)
			mu.Lock()
			answers = append(answers, v)
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	slices.Sort(answers)
	want := make([]int, n)
	for i := range want {
		want[i] = i + 1
	}
	assert.Equal(t, want, answers, "overlapping steps of one user must run one after the other")
}

func TestFlowStepsOfOneUserAreSerialized(t *testing.T) {
	t.Parallel()
	overlapSteps(t, []*message.Router{countingRouter()}, 32)
}
