package sim

import (
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every failed call carries "rid: …" (three groups of 8 hex digits) and
// rid/get knows it, with the token cut short and no secret.
func TestRIDOfFailedCalls(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	bad := do(t, s, "GET", "/cgi-bin/token", url.Values{"grant_type": {"client_credential"}, "appid": {DefaultAppID}, "secret": {"wrong"}}, nil)
	require.Equal(t, 40125, errcode(bad))
	rid, _ := bad["rid"].(string)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$`), rid)
	assert.Equal(t, []string{rid}, s.FailedCalls())

	tok := token(t, s)
	out := api(t, s, tok, "POST", "/cgi-bin/openapi/rid/get", map[string]string{"rid": rid})
	require.Equal(t, 0, errcode(out), "%v", out)
	req := out["request"].(map[string]any)
	assert.Contains(t, req["request_url"], "secret=xxxx")
	assert.NotContains(t, req["request_url"], "wrong")
	assert.Contains(t, req["response_body"], "rid: "+rid)
	assert.Equal(t, "127.0.0.1", req["client_ip"])

	// Successful answers carry no rid; rid/get refuses empty and unknown rids.
	ok := api(t, s, tok, "GET", "/cgi-bin/getcallbackip", nil)
	assert.Nil(t, ok["rid"])
	assert.Equal(t, 76002, errcode(api(t, s, tok, "POST", "/cgi-bin/openapi/rid/get", map[string]string{"rid": ""})))
	assert.Equal(t, 76001, errcode(api(t, s, tok, "POST", "/cgi-bin/openapi/rid/get", map[string]string{"rid": "nope"})))
	// The body of a failed POST is recorded.
	api(t, s, tok, "POST", "/cgi-bin/openapi/quota/get", map[string]string{"cgi_path": "/nope"})
	rids := s.FailedCalls()
	last := api(t, s, tok, "POST", "/cgi-bin/openapi/rid/get", map[string]string{"rid": rids[len(rids)-1]})
	assert.JSONEq(t, `{"cgi_path":"/nope"}`, last["request"].(map[string]any)["request_body"].(string))
}

// Quota resets: 10 a month by China month, then 48006; a new month
// starts again.
func TestQuotaResetsPerMonth(t *testing.T) {
	t.Parallel()
	clk := newClock()
	clk.t = time.Date(2024, 5, 31, 15, 0, 0, 0, time.UTC) // 23:00 May 31 in China
	s := newSim(t, Options{Clock: clk.Now})
	tok := token(t, s)
	for i := 0; i < MonthlyQuotaResets; i++ {
		require.Equal(t, 0, errcode(api(t, s, tok, "POST", "/cgi-bin/clear_quota", map[string]string{"appid": DefaultAppID})), "reset %d", i)
	}
	assert.Equal(t, 48006, errcode(api(t, s, tok, "POST", "/cgi-bin/clear_quota", map[string]string{"appid": DefaultAppID})))
	v2 := func(appid, secret string) map[string]any {
		q := url.Values{}
		if appid != "" {
			q.Set("appid", appid)
		}
		if secret != "" {
			q.Set("appsecret", secret)
		}
		return do(t, s, "POST", "/cgi-bin/clear_quota/v2", q, nil)
	}
	assert.Equal(t, 48006, errcode(v2(DefaultAppID, DefaultAppSecret)))
	assert.Equal(t, 41002, errcode(v2("", DefaultAppSecret)))
	assert.Equal(t, 41004, errcode(v2(DefaultAppID, "")))
	assert.Equal(t, 40013, errcode(v2("wx0000000000000000", DefaultAppSecret)))
	assert.Equal(t, 40125, errcode(v2(DefaultAppID, "nope")))
	clk.Advance(time.Hour) // June 1 in China
	assert.Equal(t, 0, errcode(v2(DefaultAppID, DefaultAppSecret)))
}

// Quotas count every call even without a configured limit (daily_limit 0).
func TestQuotaCountsWithoutLimit(t *testing.T) {
	t.Parallel()
	s := newSim(t, Options{})
	tok := token(t, s)
	for i := 0; i < 3; i++ {
		api(t, s, tok, "GET", "/cgi-bin/get_api_domain_ip", nil)
	}
	out := api(t, s, tok, "POST", "/cgi-bin/openapi/quota/get", map[string]string{"cgi_path": "/cgi-bin/get_api_domain_ip"})
	assert.Equal(t, map[string]any{"daily_limit": 0.0, "used": 3.0, "remain": 0.0}, out["quota"])
	assert.Equal(t, 76022, errcode(api(t, s, tok, "POST", "/cgi-bin/openapi/quota/get", map[string]string{"cgi_path": "/sns/userinfo"})))
	assert.Equal(t, 76021, errcode(api(t, s, tok, "POST", "/cgi-bin/openapi/quota/clear", map[string]string{"cgi_path": "cgi-bin/token"})))
	assert.Equal(t, 40202, errcode(api(t, s, tok, "POST", "/cgi-bin/callback/check", map[string]string{"action": "x", "check_operator": "CAP"})))
	assert.Equal(t, 40203, errcode(api(t, s, tok, "POST", "/cgi-bin/callback/check", map[string]string{"action": "all", "check_operator": "MOBILE"})))
}

// Statistics days are China days; ranges are checked like WeChat does.
func TestDatacubeDates(t *testing.T) {
	t.Parallel()
	clk := newClock()
	clk.t = time.Date(2024, 5, 1, 17, 0, 0, 0, time.UTC) // 01:00 May 2 in China
	s := newSim(t, Options{Clock: clk.Now})
	tok := token(t, s)
	span := func(name, b, e string) int {
		return errcode(api(t, s, tok, "POST", "/datacube/"+name, map[string]string{"begin_date": b, "end_date": e}))
	}
	assert.Equal(t, 0, span("getusersummary", "2024-04-25", "2024-05-01"))
	assert.Equal(t, 61501, span("getusersummary", "2024-04-24", "2024-05-01"), "8 days")
	assert.Equal(t, 61501, span("getusersummary", "2024-05-02", "2024-05-02"), "today in China")
	assert.Equal(t, 61501, span("getupstreammsghour", "2024-04-30", "2024-05-01"))
	assert.Equal(t, 0, span("getupstreammsgdist", "2024-04-17", "2024-05-01"))
	assert.Equal(t, 61501, span("getupstreammsgdist", "2024-04-16", "2024-05-01"))
	assert.Equal(t, 61500, span("getinterfacesummary", "2024/04/01", "2024-05-01"))
	assert.Equal(t, 61501, span("getinterfacesummary", "2024-05-01", "2024-04-30"))
	out := api(t, s, tok, "POST", "/datacube/getarticleread", map[string]string{"begin_date": "2024-05-01", "end_date": "2024-05-01"})
	assert.Equal(t, map[string]any{"list": []any{}, "is_delay": false}, out)
	assert.Equal(t, 1, countInterval(5))
	assert.Equal(t, 3, countInterval(11))
	assert.Equal(t, "2024-04-29", weekBucket("2024-05-05"), "Sunday belongs to the week of Monday 29th")
	assert.Equal(t, "2024-05-01", monthBucket("2024-05-31"))
}
