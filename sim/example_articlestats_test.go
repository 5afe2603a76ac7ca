package sim_test

import (
	"context"
	"fmt"

	"github.com/wxkit/mp/sim"
)

// Readers open and share a published article; the 发表内容 reports
// (getarticleread, getarticleshare, getbizsummary, getarticletotaldetail)
// count them by China date.
func ExampleFollower_ReadArticle() {
	s, err := sim.Start(sim.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	ctx := context.Background()
	pub := s.PublishArticle("本周新品", "<p>…</p>", false)
	alice, bob := s.NewUser("Alice"), s.NewUser("Bob")
	_ = alice.ReadArticle(ctx, pub.MsgDataID, pub.Index)
	_ = alice.ReadArticle(ctx, pub.MsgDataID, pub.Index)
	_ = bob.ReadArticle(ctx, pub.MsgDataID, pub.Index, sim.ReadVia(sim.ReadFromMoments))
	_ = bob.ShareArticle(ctx, pub.MsgDataID, pub.Index, sim.ShareToFriend)
	_ = bob.ReactToArticle(ctx, pub.MsgDataID, pub.Index, sim.ReactZaikan)
	a := s.ArticleActivity(pub.MsgDataID, pub.Index)
	fmt.Println(a.Reads, a.ReadUsers, a.ShareUsers, a.ZaikanUsers)
	fmt.Println(alice.ReadArticle(ctx, pub.MsgDataID, 5))
	// Output:
	// 3 2 1 1
	// sim: no published article with that msg_data_id and index
}
