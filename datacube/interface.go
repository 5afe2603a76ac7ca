package datacube

import "context"

// InterfaceSummary is one row of 获取接口分析数据 (getinterfacesummary): the
// callback server's passive replies on a day. CallbackCount is how many
// messages WeChat pushed and got a passive reply for, FailCount how many of
// those failed, TotalTimeCost and MaxTimeCost their total and longest time
// in milliseconds (TotalTimeCost / CallbackCount is the mean).
type InterfaceSummary struct {
	RefDate       Date `json:"ref_date"`
	CallbackCount int  `json:"callback_count"`
	FailCount     int  `json:"fail_count"`
	TotalTimeCost int  `json:"total_time_cost"`
	MaxTimeCost   int  `json:"max_time_cost"`
}

// InterfaceSummaryHour is one row of 获取接口分析分时数据
// (getinterfacesummaryhour); RefHour is 0, 100 ... 2300.
type InterfaceSummaryHour struct {
	RefDate       Date `json:"ref_date"`
	RefHour       int  `json:"ref_hour"`
	CallbackCount int  `json:"callback_count"`
	FailCount     int  `json:"fail_count"`
	TotalTimeCost int  `json:"total_time_cost"`
	MaxTimeCost   int  `json:"max_time_cost"`
}

// Hour is the hour of the day, 0 to 23.
func (r InterfaceSummaryHour) Hour() int { return r.RefHour / 100 }

// 接口分析 reports: 30 days, and one day for the hourly one.
var (
	InterfaceSummaryReport = Report[InterfaceSummary]{name: "getinterfacesummary", maxDays: 30,
		date: func(r InterfaceSummary) Date { return r.RefDate }}
	InterfaceSummaryHourReport = Report[InterfaceSummaryHour]{name: "getinterfacesummaryhour", maxDays: 1,
		date: func(r InterfaceSummaryHour) Date { return r.RefDate }, order: byInt(func(r InterfaceSummaryHour) int { return r.RefHour })}
)

// InterfaceSummary is 获取接口分析数据 for at most 30 days.
func (s *Service) InterfaceSummary(ctx context.Context, begin, end Date) ([]InterfaceSummary, error) {
	return Get(ctx, s, InterfaceSummaryReport, begin, end)
}

// InterfaceSummaryHour is 获取接口分析分时数据 for one day.
func (s *Service) InterfaceSummaryHour(ctx context.Context, day Date) ([]InterfaceSummaryHour, error) {
	return Get(ctx, s, InterfaceSummaryHourReport, day, day)
}
