package autoreply_test

import (
	"context"
	"fmt"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/autoreply"
	"github.com/wxkit/mp/sim"
)

// Example lists the keyword rules of an account (here the simulator's
// default rules).
func Example() {
	s, err := sim.Start(sim.Options{}) // in production: no simulator, no WithHost
	if err != nil {
		panic(err)
	}
	defer s.Close()
	acct := s.Account()
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	if err != nil {
		panic(err)
	}

	rules, err := autoreply.New(client).Get(context.Background())
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("reply on follow:", rules.IsAddFriendReplyOpen.On(), rules.AddFriendAutoreplyInfo.Content)
	for _, r := range rules.KeywordAutoreplyInfo.List {
		fmt.Printf("%s: %s %q -> %d replies (%s)\n", r.RuleName, r.KeywordListInfo[0].MatchMode,
			r.KeywordListInfo[0].Content, len(r.ReplyListInfo), r.ReplyMode)
	}
	// Output:
	// reply on follow: true 感谢关注！
	// 问候: equal "你好" -> 2 replies (random_one)
	// 新闻: contain "新闻" -> 1 replies (reply_all)
}
