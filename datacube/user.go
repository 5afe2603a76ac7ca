package datacube

import "context"

// UserSource is where followers came from (user_source of 用户分析).
type UserSource int

// Follow sources documented for getusersummary.
const (
	SourceOther        UserSource = 0   // 其他合计
	SourceSearch       UserSource = 1   // 公众号搜索
	SourceCardShare    UserSource = 17  // 名片分享
	SourceQRCode       UserSource = 30  // 扫描二维码
	SourceAfterPayment UserSource = 51  // 支付后关注（在支付完成页）
	SourceArticleName  UserSource = 57  // 文章内账号名称
	SourceAd           UserSource = 100 // 微信广告
	SourceMiniProgram  UserSource = 149 // 小程序关注
	SourceRepost       UserSource = 161 // 他人转载
	SourceChannels     UserSource = 200 // 视频号
	SourceLive         UserSource = 201 // 直播
)

// UserSummary is one row of 获取用户增减数据 (getusersummary): followers gained
// and lost on a day through one source.
type UserSummary struct {
	RefDate    Date       `json:"ref_date"`
	UserSource UserSource `json:"user_source"`
	NewUser    int        `json:"new_user"`
	CancelUser int        `json:"cancel_user"`
}

// UserCumulate is one row of 获取累计用户数据 (getusercumulate): the number of
// followers at the end of a day.
type UserCumulate struct {
	RefDate      Date `json:"ref_date"`
	CumulateUser int  `json:"cumulate_user"`
}

// 用户分析 reports (maximum span 7 days).
var (
	UserSummaryReport = Report[UserSummary]{name: "getusersummary", maxDays: 7,
		date: func(r UserSummary) Date { return r.RefDate }, order: byInt(func(r UserSummary) int { return int(r.UserSource) })}
	UserCumulateReport = Report[UserCumulate]{name: "getusercumulate", maxDays: 7,
		date: func(r UserCumulate) Date { return r.RefDate }}
)

// UserSummary is 获取用户增减数据 for at most 7 days.
func (s *Service) UserSummary(ctx context.Context, begin, end Date) ([]UserSummary, error) {
	return Get(ctx, s, UserSummaryReport, begin, end)
}

// UserCumulate is 获取累计用户数据 for at most 7 days.
func (s *Service) UserCumulate(ctx context.Context, begin, end Date) ([]UserCumulate, error) {
	return Get(ctx, s, UserCumulateReport, begin, end)
}
