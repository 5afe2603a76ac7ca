// Package datacube is 数据统计 (statistics) of the WeChat Official Account
// API: 用户分析 (followers), 消息分析 (messages followers sent), 接口分析 (the
// callback server's passive replies) and 图文分析 (the current 发表内容
// endpoints; the six older article endpoints are 停止维护 and not offered).
//
// Every report is POST /datacube/<name> with begin_date and end_date, both
// calendar dates in China time ([Date]). Each report has a documented
// maximum span (7 days for getusersummary, 1 day for the hourly reports, 30
// for the weekly and monthly ones...) and statistics end yesterday: a
// request that breaks either is refused with *mp.ValidationError before
// anything is sent. [Range] splits any longer range into allowed windows
// and yields rows in date order, so the last 90 days of follower growth is
// one loop:
//
//	stats := datacube.New(client)
//	end := stats.Yesterday()
//	for row, err := range datacube.Range(ctx, stats, datacube.UserSummaryReport, end.AddDays(-89), end) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(row.RefDate, row.UserSource, row.NewUser, row.CancelUser)
//	}
//
// Ninety days cost 13 calls of getusersummary (7-day windows), 90 of an
// hourly report, 3 of a 30-day one: see [Report.Calls].
package datacube
