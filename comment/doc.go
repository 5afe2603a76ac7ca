// Package comment is 图文消息留言管理 (comments on published articles) of the
// WeChat Official Account API: open and close comments on an article
// (打开/关闭已群发文章评论), list them (查看指定文章的评论数据), mark and unmark
// them as elected (精选), delete them, and add or delete the account's reply.
//
// An article is addressed by msg_data_id (the id a mass send or a
// publication answered with) and index (its 0-based place in a multi-article
// message; 0 is the first).
//
//	comments := comment.New(client)
//	a := comment.Article{MsgDataID: 2247490098, Index: 0}
//	if err := comments.Open(ctx, a); err != nil {
//		return err
//	}
//	for c, err := range comments.All(ctx, a, comment.TypeAll) {
//		if err != nil {
//			return err
//		}
//		if c.Reply == nil {
//			_ = comments.Reply(ctx, a, c.UserCommentID, "谢谢留言")
//		}
//	}
package comment
