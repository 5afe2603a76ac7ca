package mass

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

func TestSendAllDocSamples(t *testing.T) {
	t.Parallel()
	images := Images("aaa", "bbb", "ccc")
	images.Images.Recommend = "xxx"
	images.Images.NeedOpenComment = true
	cases := []struct {
		fixture string
		req     SendAllRequest
	}{
		{"sendall_mpnews.json", SendAllRequest{Filter: ToTag(2), Message: MPNews("123dsdajkasd231jhksad")}},
		{"sendall_text.json", SendAllRequest{Filter: ToTag(2), Message: Text("CONTENT")}},
		{"sendall_voice.json", SendAllRequest{Filter: ToTag(2), Message: Voice("123dsdajkasd231jhksad")}},
		{"sendall_images.json", SendAllRequest{Filter: ToTag(2), Message: images}},
		{"sendall_mpvideo.json", SendAllRequest{Filter: ToTag(2), Message: MPVideo("IhdaAQXuvJtGzwwc0abfXnzeezfO0NgPK6AQYShD8RQYMTtfzbLdBIQkQziv2XJc")}},
		{"sendall_wxcard.json", SendAllRequest{Filter: ToTag(2), Message: WxCard("123dsdajkasd231jhksad")}},
		{"sendall_clientmsgid.json", SendAllRequest{Filter: ToAll(), Message: MPNews("123dsdajkasd231jhksad"), ClientMsgID: "send_tag_1"}},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			srv, c := mptest.New(t)
			srv.Reply("POST", "/cgi-bin/message/mass/sendall", "sendall_resp.json", func(t testing.TB, r *http.Request, body []byte) {
				mptest.Query(t, r, map[string]string{})
				mptest.JSONEqFixture(t, tc.fixture, body)
			})
			got, err := New(c).SendAll(context.Background(), &tc.req)
			require.NoError(t, err)
			assert.Equal(t, &SendResponse{ErrMsg: "send job submission success", MsgID: 34182, MsgDataID: 206227730}, got)
		})
	}
}

func TestSendAllIgnoreReprint(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/cgi-bin/message/mass/sendall", "sendall_resp.json", func(t testing.TB, _ *http.Request, body []byte) {
		mptest.JSONEq(t, `{"filter":{"is_to_all":true},"mpnews":{"media_id":"m"},"msgtype":"mpnews","send_ignore_reprint":1}`, body)
	})
	_, err := New(c).SendAll(context.Background(), &SendAllRequest{Filter: ToAll(), Message: MPNews("m"), SendIgnoreReprint: true})
	require.NoError(t, err)
}

// retryServer answers 502 to the first call of path, then the fixture.
func retryServer(t *testing.T, path, fixture string) (*mp.Client, *atomic.Int32) {
	srv, c := mptest.New(t)
	var calls atomic.Int32
	srv.Handle("POST", path, func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		_, _ = w.Write(mptest.Fixture(t, fixture))
	})
	return c, &calls
}

func TestSendAllIdempotency(t *testing.T) {
	t.Parallel()
	t.Run("with clientmsgid a 5xx is retried", func(t *testing.T) {
		t.Parallel()
		c, calls := retryServer(t, "/cgi-bin/message/mass/sendall", "sendall_resp.json")
		got, err := New(c).SendAll(context.Background(), &SendAllRequest{Filter: ToAll(), Message: Text("hi"), ClientMsgID: "x1"})
		require.NoError(t, err)
		assert.EqualValues(t, 34182, got.MsgID)
		assert.EqualValues(t, 2, calls.Load())
	})
	t.Run("without clientmsgid it is not", func(t *testing.T) {
		t.Parallel()
		c, calls := retryServer(t, "/cgi-bin/message/mass/sendall", "sendall_resp.json")
		_, err := New(c).SendAll(context.Background(), &SendAllRequest{Filter: ToAll(), Message: Text("hi")})
		var he *mp.HTTPError
		require.ErrorAs(t, err, &he)
		assert.EqualValues(t, 1, calls.Load())
	})
	t.Run("45065 with clientmsgid is a duplicate", func(t *testing.T) {
		t.Parallel()
		srv, c := mptest.New(t)
		srv.Handle("POST", "/cgi-bin/message/mass/sendall", func(w http.ResponseWriter, _ *http.Request) {
			mptest.ErrorJSON(w, 45065, "clientmsgid exist")
		})
		got, err := New(c).SendAll(context.Background(), &SendAllRequest{Filter: ToAll(), Message: Text("hi"), ClientMsgID: "x1"})
		require.NoError(t, err)
		assert.True(t, got.Duplicate)
		assert.Equal(t, 45065, got.ErrCode)
		assert.Zero(t, got.MsgID, "WeChat named no existing send")
	})
	t.Run("45065 names the existing send", func(t *testing.T) {
		t.Parallel()
		srv, c := mptest.New(t)
		srv.Handle("POST", "/cgi-bin/message/mass/send", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json; encoding=utf-8")
			_, _ = io.WriteString(w, `{"errcode":45065,"errmsg":"clientmsgid exist","msg_id":3147494441}`)
		})
		got, err := New(c).Send(context.Background(), &SendRequest{ToUser: []string{"OPENID1", "OPENID2"}, Message: Text("hi"), ClientMsgID: "x2"})
		require.NoError(t, err)
		require.Len(t, got.Chunks, 1)
		assert.True(t, got.Chunks[0].Duplicate)
		assert.EqualValues(t, 3147494441, got.Chunks[0].MsgID)
		assert.Equal(t, "clientmsgid exist", got.Chunks[0].ErrMsg)
	})
}

func TestSendAllValidation(t *testing.T) {
	t.Parallel()
	s := New(nil) // validation fails before the client is needed
	cases := []struct {
		name  string
		req   *SendAllRequest
		field string
	}{
		{"nil", nil, ""},
		{"no msgtype", &SendAllRequest{Filter: ToAll()}, "msgtype"},
		{"both filters", &SendAllRequest{Filter: Filter{IsToAll: true, TagID: 2}, Message: Text("x")}, "filter"},
		{"no filter", &SendAllRequest{Message: Text("x")}, "filter.tag_id"},
		{"negative tag", &SendAllRequest{Filter: ToTag(-1), Message: Text("x")}, "filter.tag_id"},
		{"clientmsgid 65 bytes", &SendAllRequest{Filter: ToAll(), Message: Text("x"), ClientMsgID: strings.Repeat("a", 65)}, "clientmsgid"},
	}
	for _, tc := range cases {
		_, err := s.SendAll(context.Background(), tc.req)
		var ve *mp.ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		assert.Equal(t, "mass.SendAll", ve.Op, tc.name)
		assert.Equal(t, tc.field, ve.Field, tc.name)
	}
	_, err := s.SendAll(context.Background(), &SendAllRequest{Filter: ToAll(), Message: Text("x"), ClientMsgID: strings.Repeat("a", 64)})
	assert.ErrorIs(t, err, errNoClient, "64 bytes pass validation")
}

func TestSendDocSamples(t *testing.T) {
	t.Parallel()
	cases := []struct {
		fixture string
		msg     Message
	}{
		{"send_mpnews.json", MPNews("123dsdajkasd231jhksad")},
		{"send_text.json", Text("hello from boxer.")},
		{"send_mpvideo.json", Video("123dsdajkasd231jhksad", "TITLE", "DESCRIPTION")},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			t.Parallel()
			srv, c := mptest.New(t)
			srv.Reply("POST", "/cgi-bin/message/mass/send", "send_resp.json", func(t testing.TB, r *http.Request, body []byte) {
				mptest.Query(t, r, map[string]string{})
				mptest.JSONEqFixture(t, tc.fixture, body)
			})
			got, err := New(c).Send(context.Background(), &SendRequest{ToUser: []string{"OPENID1", "OPENID2", "OPENID1"}, Message: tc.msg})
			require.NoError(t, err)
			require.Len(t, got.Chunks, 1)
			assert.Equal(t, ChunkResult{Offset: 0, Count: 2, SendResponse: SendResponse{
				ErrMsg: "send job submission success", MsgID: 34182, MsgDataID: 206227730}}, got.Chunks[0])
		})
	}
}

func openIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("o%06d", i)
	}
	return ids
}

type recorded struct {
	mu    sync.Mutex
	users [][]string
	ids   []string
}

// recordingServer records the touser and clientmsgid of every mass/send
// call and answers msg_id = call number, or errcode fail[call].
func recordingServer(t *testing.T, fail map[int]int) (*mp.Client, *recorded) {
	srv, c := mptest.New(t)
	rec := &recorded{}
	srv.Handle("POST", "/cgi-bin/message/mass/send", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			ToUser      []string `json:"touser"`
			ClientMsgID string   `json:"clientmsgid"`
			MsgType     string   `json:"msgtype"`
		}
		if !assert.NoError(t, json.NewDecoder(r.Body).Decode(&body)) {
			return
		}
		assert.Equal(t, "mpnews", body.MsgType)
		rec.mu.Lock()
		rec.users = append(rec.users, body.ToUser)
		rec.ids = append(rec.ids, body.ClientMsgID)
		n := len(rec.users)
		rec.mu.Unlock()
		if code, ok := fail[n]; ok {
			mptest.ErrorJSON(w, code, "failed")
			return
		}
		_, _ = fmt.Fprintf(w, `{"errcode":0,"errmsg":"send job submission success","msg_id":%d,"msg_data_id":%d}`, n, 100+n)
	})
	return c, rec
}

func TestSendChunking(t *testing.T) {
	t.Parallel()
	cases := []struct {
		n     int
		sizes []int
	}{
		{2, []int{2}},
		{10000, []int{10000}},
		{10001, []int{5001, 5000}}, // a remainder of one is never left alone
		{20000, []int{10000, 10000}},
		{20001, []int{6667, 6667, 6667}},
		{25003, []int{8335, 8334, 8334}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			t.Parallel()
			c, rec := recordingServer(t, nil)
			all := openIDs(tc.n)
			res, err := New(c).Send(context.Background(), &SendRequest{ToUser: all, Message: MPNews("m"), ClientMsgID: "nl-42"})
			require.NoError(t, err)
			require.Len(t, res.Chunks, len(tc.sizes))
			require.Len(t, rec.users, len(tc.sizes))
			var sent []string
			offset := 0
			for i, size := range tc.sizes {
				assert.Len(t, rec.users[i], size)
				sent = append(sent, rec.users[i]...)
				wantID := "nl-42"
				if len(tc.sizes) > 1 {
					wantID = fmt.Sprintf("nl-42-%d", i+1)
				}
				assert.Equal(t, wantID, rec.ids[i])
				assert.Equal(t, ChunkResult{Offset: offset, Count: size, ClientMsgID: wantID, SendResponse: SendResponse{
					ErrMsg: "send job submission success", MsgID: int64(i + 1), MsgDataID: int64(101 + i)}}, res.Chunks[i])
				offset += size
			}
			assert.Equal(t, all, sent, "every OpenID once, in order")
		})
	}
}

func TestSendStopsAtFirstFailureAndResumes(t *testing.T) {
	t.Parallel()
	all := openIDs(25003)
	c, rec := recordingServer(t, map[int]int{2: 45028})
	s := New(c)
	req := &SendRequest{ToUser: all, Message: MPNews("m"), ClientMsgID: "nl"}
	res, err := s.Send(context.Background(), req)
	require.Error(t, err)
	assert.True(t, mp.IsCode(err, CodeNoMassQuota))
	assert.Contains(t, err.Error(), "call 2 of 3")
	require.Len(t, res.Chunks, 1, "the result lists the calls that succeeded")
	assert.Equal(t, "nl-1", res.Chunks[0].ClientMsgID)
	assert.Len(t, rec.users, 2, "no call after the failure")

	// Repeating the request: WeChat refuses chunk 1 as a duplicate (45065),
	// which counts as sent; chunks 2 and 3 go out.
	c2, rec2 := recordingServer(t, map[int]int{1: 45065})
	res, err = New(c2).Send(context.Background(), req)
	require.NoError(t, err)
	require.Len(t, res.Chunks, 3)
	assert.True(t, res.Chunks[0].Duplicate)
	assert.False(t, res.Chunks[1].Duplicate)
	assert.Equal(t, []string{"nl-1", "nl-2", "nl-3"}, rec2.ids)
}

func TestSend45065WithoutClientMsgIDIsAnError(t *testing.T) {
	t.Parallel()
	c, _ := recordingServer(t, map[int]int{1: 45065})
	_, err := New(c).Send(context.Background(), &SendRequest{ToUser: openIDs(3), Message: MPNews("m")})
	assert.True(t, mp.IsCode(err, CodeClientMsgIDExists))
}

func TestSendRetriedOnlyWithClientMsgID(t *testing.T) {
	t.Parallel()
	c, calls := retryServer(t, "/cgi-bin/message/mass/send", "send_resp.json")
	_, err := New(c).Send(context.Background(), &SendRequest{ToUser: openIDs(2), Message: Text("x"), ClientMsgID: "a"})
	require.NoError(t, err)
	assert.EqualValues(t, 2, calls.Load())

	c, calls = retryServer(t, "/cgi-bin/message/mass/send", "send_resp.json")
	_, err = New(c).Send(context.Background(), &SendRequest{ToUser: openIDs(2), Message: Text("x")})
	require.Error(t, err)
	assert.EqualValues(t, 1, calls.Load())
}

func TestSendValidation(t *testing.T) {
	t.Parallel()
	s := New(nil)
	cases := []struct {
		name  string
		req   *SendRequest
		field string
	}{
		{"nil", nil, ""},
		{"no users", &SendRequest{Message: Text("x")}, "touser"},
		{"one user", &SendRequest{ToUser: []string{"a"}, Message: Text("x")}, "touser"},
		{"one distinct user", &SendRequest{ToUser: []string{"a", "a"}, Message: Text("x")}, "touser"},
		{"empty openid", &SendRequest{ToUser: []string{"a", "", "b"}, Message: Text("x")}, "touser[1]"},
		{"bad message", &SendRequest{ToUser: []string{"a", "b"}, Message: Text("")}, "text.content"},
		{"clientmsgid too long", &SendRequest{ToUser: []string{"a", "b"}, Message: Text("x"), ClientMsgID: strings.Repeat("c", 65)}, "clientmsgid"},
		// 10001 OpenIDs take 2 calls: 62 + "-2" = 64 bytes fits, 63 + "-2" does not.
		{"chunk suffix too long", &SendRequest{ToUser: openIDs(10001), Message: Text("x"), ClientMsgID: strings.Repeat("c", 63)}, "clientmsgid"},
	}
	for _, tc := range cases {
		_, err := s.Send(context.Background(), tc.req)
		var ve *mp.ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		assert.Equal(t, "mass.Send", ve.Op, tc.name)
		assert.Equal(t, tc.field, ve.Field, tc.name)
	}
	_, err := s.Send(context.Background(), &SendRequest{ToUser: openIDs(10001), Message: Text("x"), ClientMsgID: strings.Repeat("c", 62)})
	assert.ErrorIs(t, err, errNoClient)
}

func TestChunkBounds(t *testing.T) {
	t.Parallel()
	assert.Nil(t, chunkBounds(0, 10))
	assert.Equal(t, [][2]int{{0, 3}}, chunkBounds(3, 10))
	assert.Equal(t, [][2]int{{0, 6}, {6, 11}}, chunkBounds(11, 10))
	assert.Equal(t, [][2]int{{0, 4}, {4, 7}, {7, 10}}, chunkBounds(10, 4))
}

// FuzzChunkBounds checks the chunking invariants for any list size: the
// ranges tile [0, n) in order, each within [2, max] when n >= 2, and
// there are ceil(n/max) of them (for max >= 3; WeChat's max is 10000).
func FuzzChunkBounds(f *testing.F) {
	for _, n := range []int{2, 3, 9999, 10000, 10001, 19999, 20001, 1_000_001} {
		f.Add(n, MaxOpenIDsPerCall)
	}
	f.Add(7, 3)
	f.Fuzz(func(t *testing.T, n, max int) {
		if n < 2 || n > 5_000_000 || max < 3 || max > 100_000 { // with max 2 an odd n cannot be split
			t.Skip()
		}
		b := chunkBounds(n, max)
		if len(b) != (n+max-1)/max {
			t.Fatalf("n=%d max=%d: %d chunks", n, max, len(b))
		}
		next := 0
		for _, r := range b {
			size := r[1] - r[0]
			if r[0] != next || size < MinOpenIDsPerCall || size > max {
				t.Fatalf("n=%d max=%d: bad chunk %v", n, max, r)
			}
			next = r[1]
		}
		if next != n {
			t.Fatalf("n=%d max=%d: chunks end at %d", n, max, next)
		}
	})
}

func BenchmarkSendBody(b *testing.B) {
	body := newSendBody(MPNews("123dsdajkasd231jhksad"), false, "nl-1")
	body.ToUser = openIDs(MaxOpenIDsPerCall)
	b.ReportAllocs()
	for b.Loop() {
		data, err := mp.MarshalJSON(body)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(data)))
	}
}

func BenchmarkPlanChunks(b *testing.B) {
	ids := openIDs(100_000)
	b.ReportAllocs()
	for b.Loop() {
		users, err := dedupe("bench", ids)
		if err != nil {
			b.Fatal(err)
		}
		_ = chunkBounds(len(users), MaxOpenIDsPerCall)
	}
}
