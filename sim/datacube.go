package sim

import (
	"sort"
	"time"
)

// Errcodes of 数据统计.
func init() {
	registerErrMsgs(map[int]string{
		61500: "date format error",
		61501: "date range error",
	})
	registerRoutes(func(s *Sim) map[string]route {
		t := map[string]route{}
		for name, r := range datacubeReports {
			r := r
			t["/datacube/"+name] = postRoute(true, func(c *call) { s.serveDatacube(c, r) })
		}
		return t
	})
}

type datacubeReport struct {
	maxDays int
	article bool // 发表内容 reports carry is_delay
	rows    func(in *insightState, s *Sim, days []string) []map[string]any
}

// datacubeReports are the 数据统计 endpoints and their documented spans; the
// rows describe what happened in the simulator (follows and unfollows by
// subscribe scene, messages followers sent, pushes to the callback server,
// comments, and reads, shares and reactions on articles: articlestats.go).
var datacubeReports = map[string]datacubeReport{
	"getusersummary":          {7, false, userSummaryRows},
	"getusercumulate":         {7, false, userCumulateRows},
	"getupstreammsg":          {7, false, func(in *insightState, _ *Sim, days []string) []map[string]any { return msgRows(in, days, dailyBucket) }},
	"getupstreammsgweek":      {30, false, func(in *insightState, _ *Sim, days []string) []map[string]any { return msgRows(in, days, weekBucket) }},
	"getupstreammsgmonth":     {30, false, func(in *insightState, _ *Sim, days []string) []map[string]any { return msgRows(in, days, monthBucket) }},
	"getupstreammsghour":      {1, false, msgHourRows},
	"getupstreammsgdist":      {15, false, func(in *insightState, _ *Sim, days []string) []map[string]any { return distRows(in, days, dailyBucket) }},
	"getupstreammsgdistweek":  {30, false, func(in *insightState, _ *Sim, days []string) []map[string]any { return distRows(in, days, weekBucket) }},
	"getupstreammsgdistmonth": {30, false, func(in *insightState, _ *Sim, days []string) []map[string]any { return distRows(in, days, monthBucket) }},
	"getinterfacesummary":     {30, false, interfaceRows},
	"getinterfacesummaryhour": {1, false, interfaceHourRows},
	"getarticleread":          {1, true, articleReadRows},
	"getarticleshare":         {1, true, articleShareRows},
	"getbizsummary":           {1, true, bizSummaryRows},
	"getarticletotaldetail":   {1, true, nil}, // served by articleTotalRows (needs s.mu)
}

// serveDatacube checks begin_date/end_date (61500 format, 61501 span or a
// date not before today in China time) and answers {"list":[...]}.
func (s *Sim) serveDatacube(c *call, r datacubeReport) {
	maxDays, rows := r.maxDays, r.rows
	var req struct {
		Begin string `json:"begin_date"`
		End   string `json:"end_date"`
	}
	if !c.decode(&req) {
		return
	}
	b, err1 := time.Parse("2006-01-02", req.Begin)
	e, err2 := time.Parse("2006-01-02", req.End)
	if err1 != nil || err2 != nil {
		c.fail(61500)
		return
	}
	today, _ := time.Parse("2006-01-02", chinaDay(c.now))
	if b.After(e) || !e.Before(today) || int(e.Sub(b).Hours()/24)+1 > maxDays {
		c.fail(61501)
		return
	}
	days := dayKeys(b, e)
	var list []map[string]any
	if rows == nil {
		list = s.articleTotalRows(days, c.now)
	} else {
		in := s.insight
		in.mu.Lock()
		list = rows(in, s, days)
		in.mu.Unlock()
	}
	if list == nil {
		list = []map[string]any{}
	}
	out := map[string]any{"list": list}
	if r.article {
		out["is_delay"] = false
	}
	c.json(out)
}

func userSummaryRows(in *insightState, _ *Sim, days []string) []map[string]any {
	var out []map[string]any
	for _, day := range days {
		d := in.days[day]
		if d == nil {
			continue
		}
		sources := map[int]int{}
		for k := range d.newBy {
			sources[k] = 1
		}
		for k := range d.cancelBy {
			sources[k] = 1
		}
		for _, src := range sortedInts(sources) {
			out = append(out, map[string]any{"ref_date": day, "user_source": src, "new_user": d.newBy[src], "cancel_user": d.cancelBy[src]})
		}
	}
	return out
}

func userCumulateRows(in *insightState, _ *Sim, days []string) []map[string]any {
	var out []map[string]any
	for _, day := range days {
		out = append(out, map[string]any{"ref_date": day, "cumulate_user": in.cumulateLocked(day)})
	}
	return out
}

// bucket maps a day to the ref_date of its row: the day, the Monday of its
// week or the first day of its month.
type bucket func(day string) string

func dailyBucket(day string) string { return day }

func weekBucket(day string) string {
	t, _ := time.Parse("2006-01-02", day)
	wd := (int(t.Weekday()) + 6) % 7 // Monday 0
	return t.AddDate(0, 0, -wd).Format("2006-01-02")
}

func monthBucket(day string) string { return day[:8] + "01" }

func msgRows(in *insightState, days []string, b bucket) []map[string]any {
	type agg struct {
		users map[string]bool
		count int
	}
	groups := map[string]map[int]*agg{}
	var order []string
	for _, day := range days {
		d := in.days[day]
		if d == nil {
			continue
		}
		ref := b(day)
		if groups[ref] == nil {
			groups[ref] = map[int]*agg{}
			order = append(order, ref)
		}
		for k, m := range d.msgs {
			a := groups[ref][k.typ]
			if a == nil {
				a = &agg{users: map[string]bool{}}
				groups[ref][k.typ] = a
			}
			for u := range m.users {
				a.users[u] = true
			}
			a.count += m.count
		}
	}
	var out []map[string]any
	for _, ref := range order {
		types := map[int]int{}
		for t := range groups[ref] {
			types[t] = 1
		}
		for _, t := range sortedInts(types) {
			a := groups[ref][t]
			out = append(out, map[string]any{"ref_date": ref, "msg_type": t, "msg_user": len(a.users), "msg_count": a.count})
		}
	}
	return out
}

func msgHourRows(in *insightState, _ *Sim, days []string) []map[string]any {
	var out []map[string]any
	for _, day := range days {
		d := in.days[day]
		if d == nil {
			continue
		}
		keys := make([]msgKey, 0, len(d.msgs))
		for k := range d.msgs {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].hour != keys[j].hour {
				return keys[i].hour < keys[j].hour
			}
			return keys[i].typ < keys[j].typ
		})
		for _, k := range keys {
			m := d.msgs[k]
			out = append(out, map[string]any{"ref_date": day, "ref_hour": k.hour * 100, "msg_type": k.typ, "msg_user": len(m.users), "msg_count": m.count})
		}
	}
	return out
}

// countInterval is the count_interval bucket of n messages.
func countInterval(n int) int {
	switch {
	case n == 0:
		return 0
	case n <= 5:
		return 1
	case n <= 10:
		return 2
	}
	return 3
}

func distRows(in *insightState, days []string, b bucket) []map[string]any {
	groups := map[string]map[string]int{}
	var order []string
	for _, day := range days {
		d := in.days[day]
		if d == nil || len(d.perUser) == 0 {
			continue
		}
		ref := b(day)
		if groups[ref] == nil {
			groups[ref] = map[string]int{}
			order = append(order, ref)
		}
		for u, n := range d.perUser {
			groups[ref][u] += n
		}
	}
	var out []map[string]any
	for _, ref := range order {
		byInterval := map[int]int{}
		for _, n := range groups[ref] {
			byInterval[countInterval(n)]++
		}
		for _, iv := range sortedInts(byInterval) {
			out = append(out, map[string]any{"ref_date": ref, "count_interval": iv, "msg_user": byInterval[iv]})
		}
	}
	return out
}

func interfaceRows(in *insightState, _ *Sim, days []string) []map[string]any {
	var out []map[string]any
	for _, day := range days {
		d := in.days[day]
		if d == nil {
			continue
		}
		var sum cbStat
		for _, h := range d.cb {
			sum.count += h.count
			sum.fail += h.fail
			sum.total += h.total
			sum.max = max(sum.max, h.max)
		}
		if sum.count == 0 {
			continue
		}
		out = append(out, map[string]any{"ref_date": day, "callback_count": sum.count, "fail_count": sum.fail,
			"total_time_cost": sum.total, "max_time_cost": sum.max})
	}
	return out
}

func interfaceHourRows(in *insightState, _ *Sim, days []string) []map[string]any {
	var out []map[string]any
	for _, day := range days {
		d := in.days[day]
		if d == nil {
			continue
		}
		for h, c := range d.cb {
			if c.count == 0 {
				continue
			}
			out = append(out, map[string]any{"ref_date": day, "ref_hour": h * 100, "callback_count": c.count, "fail_count": c.fail,
				"total_time_cost": c.total, "max_time_cost": c.max})
		}
	}
	return out
}
