package main

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/comment"
	"github.com/wxkit/mp/datacube"
	"github.com/wxkit/mp/openapi"
)

// quotaPaths are the APIs whose daily quota the table shows.
var quotaPaths = []string{
	"/cgi-bin/token",
	"/cgi-bin/message/custom/send",
	"/cgi-bin/user/info",
	"/cgi-bin/comment/list",
	"/datacube/getusersummary",
}

type dashboard struct {
	stats    *datacube.Service
	comments *comment.Service
	ops      *openapi.Service
	days     int
	articles []comment.Article
	mode     string
	mux      *http.ServeMux
}

func newDashboard(c *mp.Client, days int, articles []comment.Article) *dashboard {
	d := &dashboard{stats: datacube.New(c), comments: comment.New(c), ops: openapi.New(c), days: days, articles: articles, mode: "WeChat"}
	d.mux = http.NewServeMux()
	d.mux.HandleFunc("GET /{$}", d.page)
	d.mux.HandleFunc("POST /comments/{action}", d.commentAction)
	return d
}

func (d *dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) { d.mux.ServeHTTP(w, r) }

// day is one day of the charts.
type day struct {
	Date                            datacube.Date
	New, Cancel, Cumulate, Messages int
}

type commentRow struct {
	Article comment.Article
	comment.Comment
	Time string
}

type quotaRow struct {
	Path  string
	Quota *openapi.Quota
	Err   string
}

type page struct {
	Mode     string
	Days     []day
	Growth   chart
	Messages chart
	Comments []commentRow
	Quotas   []quotaRow
	Errors   []string
}

func (d *dashboard) load(ctx context.Context) *page {
	p := &page{Mode: d.mode}
	end := d.stats.Yesterday()
	begin := end.AddDays(-(d.days - 1))
	byDate := map[datacube.Date]*day{}
	for i := 0; i < d.days; i++ {
		p.Days = append(p.Days, day{Date: begin.AddDays(i)})
	}
	for i := range p.Days {
		byDate[p.Days[i].Date] = &p.Days[i]
	}
	fail := func(what string, err error) { p.Errors = append(p.Errors, what+": "+err.Error()) }
	for row, err := range datacube.Range(ctx, d.stats, datacube.UserSummaryReport, begin, end) {
		if err != nil {
			fail("用户增减 getusersummary", err)
			break
		}
		if x := byDate[row.RefDate]; x != nil {
			x.New += row.NewUser
			x.Cancel += row.CancelUser
		}
	}
	for row, err := range datacube.Range(ctx, d.stats, datacube.UserCumulateReport, begin, end) {
		if err != nil {
			fail("累计用户 getusercumulate", err)
			break
		}
		if x := byDate[row.RefDate]; x != nil {
			x.Cumulate = row.CumulateUser
		}
	}
	for row, err := range datacube.Range(ctx, d.stats, datacube.UpstreamMsgReport, begin, end) {
		if err != nil {
			fail("消息 getupstreammsg", err)
			break
		}
		if x := byDate[row.RefDate]; x != nil {
			x.Messages += row.MsgCount
		}
	}
	p.Growth = growthChart(p.Days)
	p.Messages = messageChart(p.Days)

	for _, a := range d.articles {
		page, err := d.comments.List(ctx, &comment.ListRequest{Article: a, Count: comment.MaxCount})
		if err != nil {
			fail("留言 comment/list", err)
			continue
		}
		for _, c := range page.Comments {
			p.Comments = append(p.Comments, commentRow{Article: a, Comment: c, Time: time.Unix(c.CreateTime, 0).In(time.FixedZone("CST", 8*3600)).Format("01-02 15:04")})
		}
	}
	slices.SortStableFunc(p.Comments, func(a, b commentRow) int { return int(b.CreateTime - a.CreateTime) })
	if len(p.Comments) > 10 {
		p.Comments = p.Comments[:10]
	}
	for _, path := range quotaPaths {
		q, err := d.ops.Quota(ctx, path)
		row := quotaRow{Path: path, Quota: q}
		if err != nil {
			row.Err = err.Error()
		}
		p.Quotas = append(p.Quotas, row)
	}
	return p
}

// chart is a server-rendered SVG chart.
type chart struct {
	Width, Height int
	Series        []series
	Bars          []bar
	Labels        []label
	Max           int
}

type series struct {
	Class, Name, Color string
	Points             []point
	Polyline           string
}

type point struct {
	X, Y  float64
	Date  string
	Value int
}

type bar struct {
	X, Y, W, H float64
	Date       string
	Value      int
}

type label struct {
	X, Y float64
	Text string
}

const (
	chartW, chartH = 640, 220
	padL, padR     = 40, 44
	padT, padB     = 16, 28
)

func xAt(i, n int) float64 {
	if n == 1 {
		return padL
	}
	return padL + float64(i)*float64(chartW-padL-padR)/float64(n-1)
}

func yAt(v, max int) float64 {
	if max <= 0 {
		max = 1
	}
	return padT + float64(chartH-padT-padB)*(1-float64(v)/float64(max))
}

func dateLabels(days []day, x func(i int) float64) []label {
	var out []label
	step := max(1, len(days)/7)
	for i := 0; i < len(days); i += step {
		out = append(out, label{X: x(i), Y: chartH - 8, Text: days[i].Date.String()[5:]})
	}
	return out
}

func growthChart(days []day) chart {
	c := chart{Width: chartW, Height: chartH}
	flowMax, cumMax := 1, 1
	for _, d := range days {
		flowMax = max(flowMax, d.New, d.Cancel)
		cumMax = max(cumMax, d.Cumulate)
	}
	mk := func(class, name, color string, v func(day) int, scale int) series {
		s := series{Class: class, Name: name, Color: color}
		var pts []string
		for i, d := range days {
			p := point{X: xAt(i, len(days)), Y: yAt(v(d), scale), Date: d.Date.String(), Value: v(d)}
			s.Points = append(s.Points, p)
			pts = append(pts, strconv.FormatFloat(p.X, 'f', 1, 64)+","+strconv.FormatFloat(p.Y, 'f', 1, 64))
		}
		s.Polyline = strings.Join(pts, " ")
		return s
	}
	c.Series = []series{
		mk("new", "新关注", "#07c160", func(d day) int { return d.New }, flowMax),
		mk("cancel", "取消关注", "#fa5151", func(d day) int { return d.Cancel }, flowMax),
		mk("cumulate", "累计关注 (右轴)", "#1485ee", func(d day) int { return d.Cumulate }, cumMax),
	}
	c.Max = flowMax
	c.Labels = append(dateLabels(days, func(i int) float64 { return xAt(i, len(days)) }),
		label{X: 4, Y: padT + 4, Text: strconv.Itoa(flowMax)}, label{X: chartW - padR + 4, Y: padT + 4, Text: strconv.Itoa(cumMax)})
	return c
}

func messageChart(days []day) chart {
	c := chart{Width: chartW, Height: chartH}
	m := 1
	for _, d := range days {
		m = max(m, d.Messages)
	}
	slot := float64(chartW-padL-padR) / float64(len(days))
	for i, d := range days {
		y := yAt(d.Messages, m)
		c.Bars = append(c.Bars, bar{X: padL + float64(i)*slot + slot*0.15, Y: y, W: slot * 0.7, H: chartH - padB - y, Date: d.Date.String(), Value: d.Messages})
	}
	c.Max = m
	c.Labels = append(dateLabels(days, func(i int) float64 { return padL + float64(i)*slot + slot*0.5 }), label{X: 4, Y: padT + 4, Text: strconv.Itoa(m)})
	return c
}

func (d *dashboard) page(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, d.load(r.Context())); err != nil {
		http.Error(w, "rendering the page failed", http.StatusInternalServerError)
		slog.Error("dashboard: rendering", "err", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// commentAction serves the elect, unelect, reply and delete buttons.
func (d *dashboard) commentAction(w http.ResponseWriter, r *http.Request) {
	id, err1 := strconv.ParseInt(r.FormValue("msg_data_id"), 10, 64)
	idx, err2 := strconv.Atoi(r.FormValue("index"))
	cid, err3 := strconv.ParseInt(r.FormValue("user_comment_id"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		http.Error(w, "bad comment reference", http.StatusBadRequest)
		return
	}
	a := comment.Article{MsgDataID: id, Index: idx}
	var err error
	switch r.PathValue("action") {
	case "elect":
		err = d.comments.Elect(r.Context(), a, cid)
	case "unelect":
		err = d.comments.Unelect(r.Context(), a, cid)
	case "reply":
		err = d.comments.Reply(r.Context(), a, cid, strings.TrimSpace(r.FormValue("content")))
	case "delete":
		err = d.comments.Delete(r.Context(), a, cid)
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, "/#comments", http.StatusSeeOther)
}

// runOnce renders the page once and checks it: the -once mode of CI.
func runOnce(ctx context.Context, d *dashboard, stdout, stderr io.Writer) int {
	p := d.load(ctx)
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, p); err != nil {
		fmt.Fprintln(stderr, "dashboard: rendering:", err)
		return 1
	}
	if len(p.Errors) > 0 {
		fmt.Fprintln(stderr, "dashboard:", strings.Join(p.Errors, "; "))
		return 1
	}
	html := buf.String()
	if want := len(p.Days); strings.Count(html, `class="point cumulate"`) != want || strings.Count(html, `class="bar"`) != want {
		fmt.Fprintln(stderr, "dashboard: the charts do not have one point per day")
		return 1
	}
	last := p.Days[len(p.Days)-1]
	fmt.Fprintf(stdout, "dashboard (%s): %d days %s..%s, %d followers, %d messages yesterday, %d comments, %d quota rows, page %d bytes\n",
		p.Mode, len(p.Days), p.Days[0].Date, last.Date, last.Cumulate, last.Messages, len(p.Comments), len(p.Quotas), len(html))
	return 0
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>公众号运营面板</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:16px;color:#222;background:#f7f7f7}
h1{font-size:20px}h2{font-size:16px;margin-top:24px}
section{background:#fff;border-radius:8px;padding:12px;margin-bottom:12px;box-shadow:0 1px 2px #0001}
svg{max-width:100%;height:auto}.legend span{margin-right:12px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;font-size:13px}
.err{color:#c00}.elected{color:#07c160;font-weight:bold}form{display:inline}
</style></head><body>
<h1>公众号运营面板 <small>({{.Mode}})</small></h1>
{{range .Errors}}<p class="err">{{.}}</p>{{end}}
<section id="growth"><h2>粉丝增长</h2>
<p class="legend">{{range .Growth.Series}}<span style="color:{{.Color}}">● {{.Name}}</span>{{end}}</p>
<svg viewBox="0 0 {{.Growth.Width}} {{.Growth.Height}}" width="{{.Growth.Width}}" height="{{.Growth.Height}}" role="img" aria-label="follower growth">
<rect x="0" y="0" width="{{.Growth.Width}}" height="{{.Growth.Height}}" fill="#fff"/>
{{range .Growth.Series}}<polyline class="line {{.Class}}" fill="none" stroke="{{.Color}}" stroke-width="2" points="{{.Polyline}}"/>
{{$c := .Class}}{{$col := .Color}}{{range .Points}}<circle class="point {{$c}}" cx="{{printf "%.1f" .X}}" cy="{{printf "%.1f" .Y}}" r="3" fill="{{$col}}" data-date="{{.Date}}" data-value="{{.Value}}"><title>{{.Date}}: {{.Value}}</title></circle>
{{end}}{{end}}{{range .Growth.Labels}}<text x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" font-size="11" fill="#666">{{.Text}}</text>{{end}}
</svg></section>
<section id="messages"><h2>每日消息数</h2>
<svg viewBox="0 0 {{.Messages.Width}} {{.Messages.Height}}" width="{{.Messages.Width}}" height="{{.Messages.Height}}" role="img" aria-label="messages per day">
<rect x="0" y="0" width="{{.Messages.Width}}" height="{{.Messages.Height}}" fill="#fff"/>
{{range .Messages.Bars}}<rect class="bar" x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" width="{{printf "%.1f" .W}}" height="{{printf "%.1f" .H}}" fill="#1485ee" data-date="{{.Date}}" data-value="{{.Value}}"><title>{{.Date}}: {{.Value}}</title></rect>
{{end}}{{range .Messages.Labels}}<text x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" font-size="11" fill="#666">{{.Text}}</text>{{end}}
</svg></section>
<section id="comments"><h2>最新留言</h2>
<table><tr><th>时间</th><th>留言</th><th>回复</th><th>操作</th></tr>
{{range .Comments}}<tr class="comment" data-id="{{.UserCommentID}}"><td>{{.Time}}</td>
<td>{{if .Elected}}<span class="elected">[精选]</span> {{end}}{{.Content}}</td>
<td>{{if .Reply}}{{.Reply.Content}}{{end}}</td>
<td>{{$ref := .}}<form method="post" action="/comments/{{if .Elected}}unelect{{else}}elect{{end}}"><input type="hidden" name="msg_data_id" value="{{.Article.MsgDataID}}"><input type="hidden" name="index" value="{{.Article.Index}}"><input type="hidden" name="user_comment_id" value="{{.UserCommentID}}"><button class="elect">{{if .Elected}}取消精选{{else}}精选{{end}}</button></form>
{{if not .Reply}}<form method="post" action="/comments/reply"><input type="hidden" name="msg_data_id" value="{{.Article.MsgDataID}}"><input type="hidden" name="index" value="{{.Article.Index}}"><input type="hidden" name="user_comment_id" value="{{.UserCommentID}}"><input name="content" placeholder="回复" size="8"><button class="reply">回复</button></form>{{end}}</td></tr>
{{else}}<tr><td colspan="4">暂无留言</td></tr>{{end}}
</table></section>
<section id="quota"><h2>接口调用额度 (今日)</h2>
<table><tr><th>接口</th><th>每日上限</th><th>已用</th><th>剩余</th></tr>
{{range .Quotas}}<tr class="quota"><td>{{.Path}}</td>{{if .Err}}<td colspan="3" class="err">{{.Err}}</td>{{else}}<td>{{if .Quota.DailyLimit}}{{.Quota.DailyLimit}}{{else}}不限{{end}}</td><td>{{.Quota.Used}}</td><td>{{if .Quota.DailyLimit}}{{.Quota.Remain}}{{else}}-{{end}}</td>{{end}}</tr>
{{end}}</table></section>
</body></html>
`))
