package qrcode_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/qrcode"
)

// bodyDoer answers every request with the same body, in process.
type bodyDoer struct{ body []byte }

func (d bodyDoer) Do(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(d.body)), Request: r}, nil
}

func inProcess(t testing.TB, body []byte) *qrcode.Service {
	c, err := mp.New(mp.Config{AppID: mptest.AppID}, mp.WithHTTPClient(bodyDoer{body}),
		mp.WithTokenSource(mptest.StaticToken(mptest.AccessToken)), mp.WithRetryPolicy(mp.NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	return qrcode.New(c)
}

// FuzzCreateResponse feeds arbitrary answers to Create and FetchShortKey:
// never a panic, and either a result or an error.
func FuzzCreateResponse(f *testing.F) {
	for _, name := range []string{"qrcode_create.json", "qrcode_create_permanent.json", "shorten_fetch.json", "shorten_gen.json"} {
		f.Add(mptest.Fixture(f, name))
	}
	f.Add([]byte(`{"errcode":9410012,"errmsg":"short_key not exist rid: x"}`))
	f.Add([]byte(`{"ticket":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		svc := inProcess(t, body)
		tk, err := svc.CreatePermanent(context.Background(), 1)
		if (tk == nil) == (err == nil) {
			t.Fatalf("ticket %v, error %v", tk, err)
		}
		d, err := svc.FetchShortKey(context.Background(), "key")
		if (d == nil) == (err == nil) {
			t.Fatalf("data %v, error %v", d, err)
		}
	})
}

func BenchmarkCreateTemporaryStr(b *testing.B) {
	svc := inProcess(b, mptest.Fixture(b, "qrcode_create.json"))
	ctx := context.Background()
	for b.Loop() {
		if _, err := svc.CreateTemporaryStr(ctx, "invite:42", time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
