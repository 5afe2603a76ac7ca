package datacube

import "context"

// MsgType is the kind of message followers sent (msg_type of 消息分析).
type MsgType int

// Message kinds documented for getupstreammsg.
const (
	MsgText     MsgType = 1 // 文字
	MsgImage    MsgType = 2 // 图片
	MsgVoice    MsgType = 3 // 语音
	MsgVideo    MsgType = 4 // 视频
	MsgThirdApp MsgType = 6 // 第三方应用消息（链接消息）
)

// UpstreamMsg is one row of 获取消息发送概况数据 (getupstreammsg) and of its
// weekly and monthly variants: how many followers sent messages of one
// kind, and how many messages. RefDate is the day, or the first day of the
// week or month.
type UpstreamMsg struct {
	RefDate  Date    `json:"ref_date"`
	MsgType  MsgType `json:"msg_type"`
	MsgUser  int     `json:"msg_user"`
	MsgCount int     `json:"msg_count"`
}

// UpstreamMsgHour is one row of 获取消息分送分时数据 (getupstreammsghour).
// RefHour is the hour as WeChat writes it: 0, 100, 200 ... 2300 for
// [00:00,01:00) ... [23:00,24:00); Hour converts it.
type UpstreamMsgHour struct {
	RefDate  Date    `json:"ref_date"`
	RefHour  int     `json:"ref_hour"`
	MsgType  MsgType `json:"msg_type"`
	MsgUser  int     `json:"msg_user"`
	MsgCount int     `json:"msg_count"`
}

// Hour is the hour of the day, 0 to 23.
func (r UpstreamMsgHour) Hour() int { return r.RefHour / 100 }

// CountInterval is a bucket of messages sent per follower (count_interval).
type CountInterval int

// Buckets of 消息发送分布数据.
const (
	Interval0      CountInterval = 0 // 0 messages
	Interval1To5   CountInterval = 1 // 1-5
	Interval6To10  CountInterval = 2 // 6-10
	IntervalOver10 CountInterval = 3 // more than 10
)

// UpstreamMsgDist is one row of 获取消息发送分布数据 (getupstreammsgdist) and its
// weekly and monthly variants: how many followers sent a number of messages
// in the interval's bucket.
type UpstreamMsgDist struct {
	RefDate       Date          `json:"ref_date"`
	CountInterval CountInterval `json:"count_interval"`
	MsgUser       int           `json:"msg_user"`
}

func msgOrder(r UpstreamMsg) int      { return int(r.MsgType) }
func msgDate(r UpstreamMsg) Date      { return r.RefDate }
func distOrder(r UpstreamMsgDist) int { return int(r.CountInterval) }
func distDate(r UpstreamMsgDist) Date { return r.RefDate }
func hourOrder(r UpstreamMsgHour) int { return r.RefHour*10 + int(r.MsgType) }

// 消息分析 reports and their documented maximum spans.
var (
	UpstreamMsgReport      = Report[UpstreamMsg]{name: "getupstreammsg", maxDays: 7, date: msgDate, order: byInt(msgOrder)}
	UpstreamMsgWeekReport  = Report[UpstreamMsg]{name: "getupstreammsgweek", maxDays: 30, date: msgDate, order: byInt(msgOrder)}
	UpstreamMsgMonthReport = Report[UpstreamMsg]{name: "getupstreammsgmonth", maxDays: 30, date: msgDate, order: byInt(msgOrder)}
	UpstreamMsgHourReport  = Report[UpstreamMsgHour]{name: "getupstreammsghour", maxDays: 1,
		date: func(r UpstreamMsgHour) Date { return r.RefDate }, order: byInt(hourOrder)}
	UpstreamMsgDistReport      = Report[UpstreamMsgDist]{name: "getupstreammsgdist", maxDays: 15, date: distDate, order: byInt(distOrder)}
	UpstreamMsgDistWeekReport  = Report[UpstreamMsgDist]{name: "getupstreammsgdistweek", maxDays: 30, date: distDate, order: byInt(distOrder)}
	UpstreamMsgDistMonthReport = Report[UpstreamMsgDist]{name: "getupstreammsgdistmonth", maxDays: 30, date: distDate, order: byInt(distOrder)}
)

// UpstreamMsg is 获取消息发送概况数据 for at most 7 days.
func (s *Service) UpstreamMsg(ctx context.Context, begin, end Date) ([]UpstreamMsg, error) {
	return Get(ctx, s, UpstreamMsgReport, begin, end)
}

// UpstreamMsgHour is 获取消息分送分时数据 for one day (begin == end).
func (s *Service) UpstreamMsgHour(ctx context.Context, day Date) ([]UpstreamMsgHour, error) {
	return Get(ctx, s, UpstreamMsgHourReport, day, day)
}

// UpstreamMsgWeek is 获取消息发送周数据 for at most 30 days.
func (s *Service) UpstreamMsgWeek(ctx context.Context, begin, end Date) ([]UpstreamMsg, error) {
	return Get(ctx, s, UpstreamMsgWeekReport, begin, end)
}

// UpstreamMsgMonth is 获取消息发送月数据 for at most 30 days.
func (s *Service) UpstreamMsgMonth(ctx context.Context, begin, end Date) ([]UpstreamMsg, error) {
	return Get(ctx, s, UpstreamMsgMonthReport, begin, end)
}

// UpstreamMsgDist is 获取消息发送分布数据 for at most 15 days.
func (s *Service) UpstreamMsgDist(ctx context.Context, begin, end Date) ([]UpstreamMsgDist, error) {
	return Get(ctx, s, UpstreamMsgDistReport, begin, end)
}

// UpstreamMsgDistWeek is 获取消息发送分布周数据 for at most 30 days.
func (s *Service) UpstreamMsgDistWeek(ctx context.Context, begin, end Date) ([]UpstreamMsgDist, error) {
	return Get(ctx, s, UpstreamMsgDistWeekReport, begin, end)
}

// UpstreamMsgDistMonth is 获取消息发送分布月数据 for at most 30 days.
func (s *Service) UpstreamMsgDistMonth(ctx context.Context, begin, end Date) ([]UpstreamMsgDist, error) {
	return Get(ctx, s, UpstreamMsgDistMonthReport, begin, end)
}
