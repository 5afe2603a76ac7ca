package card

import (
	"context"
	"iter"
	"strconv"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/datewin"
)

// MaxStatsDays is the longest window of the card statistics (卡券数据统计):
// at most 62 days, ending before today (UTC+8).
const MaxStatsDays = 62

// Day formats t as a statistics date (YYYY-MM-DD in UTC+8).
func Day(t time.Time) string { return datewin.Of(t).String() }

// parseDay reads a statistics date, naming field when it is not YYYY-MM-DD.
func parseDay(op, field, s string) (datewin.Date, error) {
	d, err := datewin.Parse(s)
	if err != nil {
		return d, verr(op, field, strconv.Quote(s)+" is not YYYY-MM-DD")
	}
	return d, nil
}

// checkWindow validates a statistics window: both dates YYYY-MM-DD, begin
// not after end, at most MaxStatsDays days, end before today in UTC+8.
func (s *Service) checkWindow(op, begin, end string) error {
	b, err := parseDay(op, "begin_date", begin)
	if err != nil {
		return err
	}
	e, err := parseDay(op, "end_date", end)
	if err != nil {
		return err
	}
	if e.Before(b) {
		return verr(op, "end_date", "is before begin_date")
	}
	if days := (datewin.Window{Begin: b, End: e}).Days(); days > MaxStatsDays {
		return verr(op, "end_date", "the window is "+strconv.Itoa(days)+" days, the limit is 62")
	}
	if !e.Before(datewin.Of(s.now())) {
		return verr(op, "end_date", "must be before today (UTC+8)")
	}
	return nil
}

// Sources of cond_source.
const (
	SourceMP  = 0 // cards created on mp.weixin.qq.com
	SourceAPI = 1 // cards created through the API
)

// BizUinStat is one day of 拉取卡券概况数据 (POST /datacube/getcardbizuininfo).
type BizUinStat struct {
	RefDate     string `json:"ref_date"`
	ViewCnt     int    `json:"view_cnt"`
	ViewUser    int    `json:"view_user"`
	ReceiveCnt  int    `json:"receive_cnt"`
	ReceiveUser int    `json:"receive_user"`
	VerifyCnt   int    `json:"verify_cnt"`
	VerifyUser  int    `json:"verify_user"`
	GivenCnt    int    `json:"given_cnt"`
	GivenUser   int    `json:"given_user"`
	ExpireCnt   int    `json:"expire_cnt"`
	ExpireUser  int    `json:"expire_user"`
}

// CardStat is one day of one card, 获取免费券数据 (POST /datacube/getcardcardinfo).
type CardStat struct {
	RefDate     string `json:"ref_date"`
	CardID      string `json:"card_id"`
	CardType    int    `json:"card_type"`
	ViewCnt     int    `json:"view_cnt"`
	ViewUser    int    `json:"view_user"`
	ReceiveCnt  int    `json:"receive_cnt"`
	ReceiveUser int    `json:"receive_user"`
	VerifyCnt   int    `json:"verify_cnt"`
	VerifyUser  int    `json:"verify_user"`
	GivenCnt    int    `json:"given_cnt"`
	GivenUser   int    `json:"given_user"`
	ExpireCnt   int    `json:"expire_cnt"`
	ExpireUser  int    `json:"expire_user"`
}

// MemberCardStat is one day of 拉取会员卡概况数据 (POST /datacube/getcardmembercardinfo).
type MemberCardStat struct {
	RefDate          string `json:"ref_date"`
	ViewCnt          int    `json:"view_cnt"`
	ViewUser         int    `json:"view_user"`
	ReceiveCnt       int    `json:"receive_cnt"`
	ReceiveUser      int    `json:"receive_user"`
	ActiveUser       int    `json:"active_user"`
	VerifyCnt        int    `json:"verify_cnt"`
	VerifyUser       int    `json:"verify_user"`
	TotalUser        int    `json:"total_user"`
	TotalReceiveUser int    `json:"total_receive_user"`
}

// MemberCardDetail is one day of one member card, 拉取单张会员卡数据
// (POST /datacube/getcardmembercarddetail).
type MemberCardDetail struct {
	RefDate        string `json:"ref_date"`
	MerchantType   int    `json:"merchanttype"`
	CardID         string `json:"cardid"`
	SubmerchantID  int64  `json:"submerchantid"`
	ViewCnt        int    `json:"view_cnt"`
	ViewUser       int    `json:"view_user"`
	ReceiveCnt     int    `json:"receive_cnt"`
	ReceiveUser    int    `json:"receive_user"`
	VerifyCnt      int    `json:"verify_cnt"`
	VerifyUser     int    `json:"verify_user"`
	ActiveCnt      int    `json:"active_cnt"`
	ActiveUser     int    `json:"active_user"`
	TotalUser      int    `json:"total_user"`
	NewUser        int    `json:"new_user"`
	PayOriginalFee int    `json:"payOriginalFee"`
	Fee            int    `json:"fee"`
}

func statsCall[T any](ctx context.Context, s *Service, op, path string, body map[string]any) ([]T, error) {
	if err := s.checkWindow(op, body["begin_date"].(string), body["end_date"].(string)); err != nil {
		return nil, err
	}
	var out struct {
		List []T `json:"list"`
	}
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: path, Body: body, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return out.List, nil
}

// BizUinInfo returns 卡券概况数据 for begin..end (YYYY-MM-DD, ≤ 62 days).
func (s *Service) BizUinInfo(ctx context.Context, begin, end string, source int) ([]BizUinStat, error) {
	return statsCall[BizUinStat](ctx, s, "card.BizUinInfo", "/datacube/getcardbizuininfo",
		map[string]any{"begin_date": begin, "end_date": end, "cond_source": source})
}

// CardInfo returns 免费券数据 for begin..end, of one card or (cardID "") all.
func (s *Service) CardInfo(ctx context.Context, begin, end string, source int, cardID string) ([]CardStat, error) {
	body := map[string]any{"begin_date": begin, "end_date": end, "cond_source": source}
	if cardID != "" {
		body["card_id"] = cardID
	}
	return statsCall[CardStat](ctx, s, "card.CardInfo", "/datacube/getcardcardinfo", body)
}

// MemberCardInfo returns 会员卡概况数据 for begin..end.
func (s *Service) MemberCardInfo(ctx context.Context, begin, end string, source int) ([]MemberCardStat, error) {
	return statsCall[MemberCardStat](ctx, s, "card.MemberCardInfo", "/datacube/getcardmembercardinfo",
		map[string]any{"begin_date": begin, "end_date": end, "cond_source": source})
}

// MemberCardDetail returns 单张会员卡数据 for begin..end.
func (s *Service) MemberCardDetail(ctx context.Context, begin, end, cardID string) ([]MemberCardDetail, error) {
	if err := need("card.MemberCardDetail", "card_id", cardID); err != nil {
		return nil, err
	}
	return statsCall[MemberCardDetail](ctx, s, "card.MemberCardDetail", "/datacube/getcardmembercarddetail",
		map[string]any{"begin_date": begin, "end_date": end, "card_id": cardID})
}

// Windows splits begin..end (YYYY-MM-DD) into windows of at most
// MaxStatsDays days, for ranges longer than one call takes.
func Windows(begin, end string) iter.Seq2[[2]string, error] {
	return func(yield func([2]string, error) bool) {
		b, err := parseDay("card.Windows", "begin_date", begin)
		if err != nil {
			yield([2]string{}, err)
			return
		}
		e, err := parseDay("card.Windows", "end_date", end)
		if err != nil {
			yield([2]string{}, err)
			return
		}
		for w := range datewin.Windows(b, e, MaxStatsDays) {
			if !yield([2]string{w.Begin.String(), w.End.String()}, nil) {
				return
			}
		}
	}
}

// allStats runs one statistics call per window of begin..end.
func allStats[T any](begin, end string, call func(b, e string) ([]T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for w, err := range Windows(begin, end) {
			if err != nil {
				yield(zero, err)
				return
			}
			list, err := call(w[0], w[1])
			if err != nil {
				yield(zero, err)
				return
			}
			for _, x := range list {
				if !yield(x, nil) {
					return
				}
			}
		}
	}
}

// AllBizUinInfo iterates over 卡券概况数据 of any range, one call per
// 62-day window.
func (s *Service) AllBizUinInfo(ctx context.Context, begin, end string, source int) iter.Seq2[BizUinStat, error] {
	return allStats(begin, end, func(b, e string) ([]BizUinStat, error) { return s.BizUinInfo(ctx, b, e, source) })
}

// AllCardInfo iterates over 免费券数据 of any range, one call per 62-day window.
func (s *Service) AllCardInfo(ctx context.Context, begin, end string, source int, cardID string) iter.Seq2[CardStat, error] {
	return allStats(begin, end, func(b, e string) ([]CardStat, error) { return s.CardInfo(ctx, b, e, source, cardID) })
}

// AllMemberCardInfo iterates over 会员卡概况数据 of any range, one call per
// 62-day window.
func (s *Service) AllMemberCardInfo(ctx context.Context, begin, end string, source int) iter.Seq2[MemberCardStat, error] {
	return allStats(begin, end, func(b, e string) ([]MemberCardStat, error) { return s.MemberCardInfo(ctx, b, e, source) })
}

// AllMemberCardDetail iterates over 单张会员卡数据 of any range, one call per
// 62-day window.
func (s *Service) AllMemberCardDetail(ctx context.Context, begin, end, cardID string) iter.Seq2[MemberCardDetail, error] {
	return allStats(begin, end, func(b, e string) ([]MemberCardDetail, error) { return s.MemberCardDetail(ctx, b, e, cardID) })
}
