package paysim

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func BenchmarkParseAuthorization(b *testing.B) {
	h := `WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+D5sB/LN+nGzX3hfZg6r5wT1pl2ZobmIc6p0ldN7J6yDgUzbX8Uk3sD4a4eZVPTBvqNDoUqcYMlZ9uuDdCvNv4TM3c1WzsXUrExwVkI1XO5jCNbgDJ25nkT/c1gIFvqoogl7MdSFGc4W4xZsqCItnqbypR3RuGIlR9h9vlRsy7zJR9PBI83X8al7LDIfR1ukt1P7tMnmogZ0cuDY8cZsd8ZlCgLadmvej58SLsIkVxFJ8XyUgx9FmutKSYTmYtWBZ0+tNvfGmbXU7cob8H/84nLBiCwIUFluw==",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAuthorization(h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQueryOrder measures one authenticated, signed query through the
// handler: request verification plus response signing (two RSA operations).
func BenchmarkQueryOrder(b *testing.B) {
	f := newFixture(b)
	f.createJSAPI(b, "BENCH0001", "https://example.com/n", 1)
	uri := "/v3/pay/transactions/out-trade-no/BENCH0001?mchid=" + f.mchid
	auth := f.authHeader("GET", uri, nil, time.Now(), f.key)
	h := f.p.Handler()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", uri, nil)
		req.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

func BenchmarkTradeBill(b *testing.B) {
	f := newFixture(b)
	for i := range 200 {
		no := "BENCHBILL" + itoa3(i)
		f.createJSAPI(b, no, "https://example.com/n", int64(i+1))
		if _, err := f.p.Pay(b.Context(), f.mchid, no, ""); err != nil {
			b.Fatal(err)
		}
	}
	day := time.Now().In(cst).Format(time.DateOnly)
	m := f.p.merchants[f.mchid]
	b.ReportAllocs()
	for b.Loop() {
		f.p.mu.Lock()
		_, n := m.tradeBillText(day, "ALL")
		f.p.mu.Unlock()
		if n != 200 {
			b.Fatal(n)
		}
	}
}

func itoa3(i int) string {
	return string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
}
