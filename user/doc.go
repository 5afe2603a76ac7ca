// Package user is 用户管理 (user management) of the WeChat Official Account
// API: user information (获取用户基本信息 / 批量获取用户基本信息, with the
// UnionID), the follower list (获取用户列表), remarks (设置用户备注名),
// user tags (用户标签管理) and the blacklist (黑名单管理).
//
// Every call goes through the shared [mp.Client], which adds the
// access_token, retries transient failures and turns errcode answers into
// *mp.APIError. Input that breaks a documented limit (a tag name over 30
// characters, an empty openid) is refused with *mp.ValidationError before
// anything is sent.
//
// Lists that WeChat pages with next_openid are Go iterators that fetch one
// page at a time and keep only that page in memory, so walking a million
// followers uses the memory of one page:
//
//	users := user.New(client)
//	for openid, err := range users.AllFollowers(ctx) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(openid)
//	}
//
// Batch calls split their input to fit the per-call limits: [Service.BatchInfo]
// sends 100 openids per call (several calls at once, results in input order),
// [Service.TagUsers] and [Service.UntagUsers] 50, [Service.Block] and
// [Service.Unblock] 20. A chunk that fails part-way through a sequential batch
// is reported as a *[BatchError] saying how many openids were done.
package user
