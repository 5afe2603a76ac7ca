package paysim

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNotificationRetrySchedule(t *testing.T) {
	t.Parallel()
	delays := []time.Duration{30 * time.Millisecond, 60 * time.Millisecond, time.Hour}
	f := newFixture(t, func(o *Options) { o.NotifyRetryDelays = delays })
	rc := newReceiver(t, http.StatusInternalServerError, http.StatusBadRequest) // fails twice, then 200
	f.createJSAPI(t, "RETRY0001", rc.srv.URL+"/notify", 1)
	_, err := f.p.Pay(context.Background(), f.mchid, "RETRY0001", "")
	require.NoError(t, err)

	first, second, third := rc.next(t), rc.next(t), rc.next(t)
	for _, r := range []received{first, second, third} {
		require.NoError(t, f.verify(t, r.header, r.body), "every attempt is freshly signed")
	}
	assert.Equal(t, first.body, third.body, "retries carry the same notification")

	require.Eventually(t, func() bool { return len(f.p.Notifications()) == 3 }, 5*time.Second, 5*time.Millisecond)
	atts := f.p.Notifications()
	assert.Equal(t, []int{500, 400, 200}, []int{atts[0].Status, atts[1].Status, atts[2].Status})
	assert.Equal(t, []bool{false, false, true}, []bool{atts[0].Acknowledged, atts[1].Acknowledged, atts[2].Acknowledged})
	for i, a := range atts {
		assert.Equal(t, i+1, a.Attempt)
		assert.Equal(t, atts[0].ID, a.ID)
		assert.Equal(t, EventTransactionSuccess, a.EventType)
		assert.Equal(t, rc.srv.URL+"/notify", a.URL)
	}
	assert.GreaterOrEqual(t, atts[1].Time.Sub(atts[0].Time), delays[0])
	assert.GreaterOrEqual(t, atts[2].Time.Sub(atts[1].Time), delays[1])
	select {
	case <-rc.got:
		t.Fatal("no attempt after an acknowledgement")
	case <-time.After(100 * time.Millisecond):
	}
}

func TestNotificationGivesUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.NotifyRetryDelays = []time.Duration{time.Millisecond} })
	rc := newReceiver(t, 500, 500, 500, 500)
	f.createJSAPI(t, "GIVEUP001", rc.srv.URL+"/notify", 1)
	_, err := f.p.Pay(context.Background(), f.mchid, "GIVEUP001", "")
	require.NoError(t, err)
	rc.next(t)
	rc.next(t)
	require.NoError(t, f.p.Close())
	atts := f.p.Notifications()
	require.Len(t, atts, 2, "one attempt plus one retry")
	assert.False(t, atts[1].Acknowledged)
}

func TestNotification204AndTransportError(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rc := newReceiver(t, http.StatusNoContent)
	f.createJSAPI(t, "NOTE20401", rc.srv.URL+"/n", 1)
	_, err := f.p.Pay(context.Background(), f.mchid, "NOTE20401", "")
	require.NoError(t, err)
	rc.next(t)
	// The receiver has the request; wait until its answer is recorded, as
	// Close below would cancel an attempt still reading it.
	require.Eventually(t, func() bool { return len(f.p.Notifications()) == 1 }, 10*time.Second, time.Millisecond)

	dead := newReceiver(t)
	deadURL := dead.srv.URL
	dead.srv.Close()
	f.createJSAPI(t, "NOTEDEAD1", deadURL+"/n", 1)
	_, err = f.p.Pay(context.Background(), f.mchid, "NOTEDEAD1", "")
	require.NoError(t, err)
	require.NoError(t, f.p.Close()) // waits for the attempt in flight
	// The two attempts run concurrently: the dead one can be recorded
	// first, so they are told apart by URL, not by position.
	byURL := map[string]NotificationAttempt{}
	for _, a := range f.p.Notifications() {
		byURL[a.URL] = a
	}
	require.Len(t, byURL, 2)
	ok, failed := byURL[rc.srv.URL+"/n"], byURL[deadURL+"/n"]
	assert.True(t, ok.Acknowledged)
	assert.Equal(t, 204, ok.Status)
	assert.False(t, failed.Acknowledged)
	assert.Equal(t, 0, failed.Status)
	assert.NotEmpty(t, failed.Err)
}

func TestCloseStopsRetries(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.NotifyRetryDelays = []time.Duration{time.Hour} })
	rc := newReceiver(t, 500)
	f.createJSAPI(t, "CLOSERT01", rc.srv.URL+"/n", 1)
	_, err := f.p.Pay(context.Background(), f.mchid, "CLOSERT01", "")
	require.NoError(t, err)
	rc.next(t)
	done := make(chan struct{})
	go func() { _ = f.p.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not interrupt the retry wait")
	}
	// After Close, payments still work but nothing is delivered.
	f.createJSAPI(t, "CLOSERT02", rc.srv.URL+"/n", 1)
	_, err = f.p.Pay(context.Background(), f.mchid, "CLOSERT02", "")
	require.NoError(t, err)
	assert.Len(t, f.p.Notifications(), 1)
}

// In ModeBoth the notification is signed with the key the order's creator
// named in Wechatpay-Serial.
func TestNotificationSignerFollowsRequest(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rc := newReceiver(t)
	r := f.do("POST", "/v3/pay/transactions/jsapi", jsapiOrder(f, "PUBKEY001", rc.srv.URL+"/n", 1),
		"Wechatpay-Serial", f.p.PublicKeyID())
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, f.p.PublicKeyID(), r.header.Get("Wechatpay-Serial"))
	f.requireSigned(t, r)
	_, err := f.p.Pay(context.Background(), f.mchid, "PUBKEY001", "")
	require.NoError(t, err)
	got := rc.next(t)
	assert.Equal(t, f.p.PublicKeyID(), got.header.Get("Wechatpay-Serial"))
	require.NoError(t, f.verify(t, got.header, got.body))

	f.createJSAPI(t, "CERTKEY01", rc.srv.URL+"/n", 1)
	_, err = f.p.Pay(context.Background(), f.mchid, "CERTKEY01", "")
	require.NoError(t, err)
	got = rc.next(t)
	assert.Equal(t, f.p.CertificateSerial(), got.header.Get("Wechatpay-Serial"))
	require.NoError(t, f.verify(t, got.header, got.body))
}
