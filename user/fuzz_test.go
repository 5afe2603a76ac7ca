package user_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/user"
)

// bodyDoer answers every request with the same body, in process.
type bodyDoer struct {
	body  []byte
	calls atomic.Int32
}

func (d *bodyDoer) Do(r *http.Request) (*http.Response, error) {
	d.calls.Add(1)
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(d.body)), Request: r}, nil
}

func fuzzService(t testing.TB, body []byte) (*user.Service, *bodyDoer) {
	d := &bodyDoer{body: body}
	c, err := mp.New(mp.Config{AppID: mptest.AppID}, mp.WithHTTPClient(d),
		mp.WithTokenSource(mptest.StaticToken(mptest.AccessToken)), mp.WithRetryPolicy(mp.NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	return user.New(c), d
}

// FuzzInfoResponse feeds arbitrary answers to Info: never a panic, and
// either a user or an error.
func FuzzInfoResponse(f *testing.F) {
	for _, name := range []string{"user_info.json", "user_info_batchget.json", "ok.json"} {
		f.Add(mptest.Fixture(f, name))
	}
	f.Add([]byte(`{"errcode":40003,"errmsg":"invalid openid rid: x"}`))
	f.Add([]byte(`{"subscribe":"1"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		svc, _ := fuzzService(t, body)
		u, err := svc.Info(context.Background(), "OPENID", "")
		if (u == nil) == (err == nil) {
			t.Fatalf("user %v, error %v", u, err)
		}
	})
}

// FuzzAllFollowersPages feeds the same arbitrary answer to every page
// request of AllFollowers: the walk must end (an answer that repeats its
// next_openid stops it at the second page), yield an error at most once and
// last, and never panic.
func FuzzAllFollowersPages(f *testing.F) {
	f.Add(mptest.Fixture(f, "user_get.json"))
	f.Add(mptest.Fixture(f, "getblacklist.json"))
	f.Add([]byte(`{"total":1,"count":1,"data":{"openid":[""]},"next_openid":""}`))
	f.Add([]byte(`{"count":1,"data":{"openid":null},"next_openid":"X"}`))
	f.Add([]byte(`{"errcode":-1,"errmsg":"system error"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		svc, d := fuzzService(t, body)
		n, errs := 0, 0
		for _, err := range svc.AllFollowers(context.Background()) {
			if errs > 0 {
				t.Fatal("yielded after an error")
			}
			if err != nil {
				errs++
			}
			if n++; n > 1_000_000 {
				t.Fatal("walk does not end")
			}
		}
		if n := d.calls.Load(); n > 2 {
			t.Fatalf("%d page requests for a constant answer", n)
		}
	})
}

// BenchmarkBatchInfo decodes the documented batchget answer.
func BenchmarkBatchInfo(b *testing.B) {
	svc, _ := fuzzService(b, mptest.Fixture(b, "user_info_batchget.json"))
	refs := user.Refs(user.LangZhCN, "otvxTs4dckWG7imySrJd6jSi0CWE", "otvxTs_JZ6SEiP0imdhpi50fuSZg")
	ctx := context.Background()
	for b.Loop() {
		if _, err := svc.BatchInfo(ctx, refs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBatchInfoChunked sends 1,000 openids (10 calls, 4 at a time).
func BenchmarkBatchInfoChunked(b *testing.B) {
	svc, _ := fuzzService(b, []byte(`{"user_info_list":[]}`))
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = "openid-" + strconv.Itoa(i)
	}
	refs := user.Refs("", ids...)
	ctx := context.Background()
	for b.Loop() {
		if _, err := svc.BatchInfo(ctx, refs); err != nil {
			b.Fatal(err)
		}
	}
}
