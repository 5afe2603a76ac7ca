package comment_test

import (
	"context"
	"fmt"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/comment"
	"github.com/wxkit/mp/sim"
)

func ExampleService_All() {
	s := sim.New(sim.Options{})
	defer s.Close()
	acct := s.Account()
	client, _ := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	ctx := context.Background()

	pub := s.PublishArticle("本周新品", "<p>…</p>", true) // published with comments open
	_, _ = s.NewUser("Alice").Comment(ctx, pub.MsgDataID, pub.Index, "写得好")

	comments := comment.New(client)
	a := comment.Article{MsgDataID: pub.MsgDataID, Index: pub.Index}
	for c, err := range comments.All(ctx, a, comment.TypeAll) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c.Content)
		if err := comments.Reply(ctx, a, c.UserCommentID, "谢谢"); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println(s.Comments(a.MsgDataID, a.Index)[0].Reply)
	// Output:
	// 写得好
	// 谢谢
}
