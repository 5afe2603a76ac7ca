package openapi_test

import (
	"context"
	"fmt"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/openapi"
	"github.com/wxkit/mp/sim"
)

// From a failed call's error to WeChat's record of the call.
func ExampleService_LookupError() {
	s := sim.New(sim.Options{DailyQuota: 1})
	defer s.Close()
	acct := s.Account()
	client, _ := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	ops := openapi.New(client)
	ctx := context.Background()

	_, _ = ops.CallbackIPs(ctx)
	_, err := ops.CallbackIPs(ctx) // over the daily quota of 1
	fmt.Println(openapi.IsDailyLimit(err))
	rec, err := ops.LookupError(ctx, err)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.ClientIP)
	fmt.Println(rec.ResponseBody[:40])
	// Output:
	// true
	// 127.0.0.1
	// {"errcode":45009,"errmsg":"reach max api
}
