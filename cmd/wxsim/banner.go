package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/wxkit/mp/sim"
)

// simTemplate is a template of the simulated account (模板消息).
type simTemplate struct {
	ID      string   `json:"template_id"`
	Title   string   `json:"title"`
	Content string   `json:"content"`
	Keys    []string `json:"-"`
}

var templateKey = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\.DATA\s*\}\}`)

// templates lists the simulated account's templates as the platform API
// does (get_all_private_template), asked in memory.
func templates(s *sim.Sim) ([]simTemplate, error) {
	acct := s.Account()
	get := func(path string, q url.Values, out any) error {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path+"?"+q.Encode(), nil)
		if u, err := url.Parse(s.URL); err == nil && u.Host != "" {
			req.Host = u.Host // as a client of the simulator would send it
		}
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return fmt.Errorf("%s: HTTP %d", path, rec.Code)
		}
		return json.Unmarshal(rec.Body.Bytes(), out)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ErrMsg      string `json:"errmsg"`
	}
	if err := get("/cgi-bin/token", url.Values{"grant_type": {"client_credential"}, "appid": {acct.AppID}, "secret": {acct.AppSecret}}, &tok); err != nil {
		return nil, err
	}
	if tok.AccessToken == "" {
		return nil, fmt.Errorf("no access_token: %s", tok.ErrMsg)
	}
	var list struct {
		Templates []simTemplate `json:"template_list"`
	}
	if err := get("/cgi-bin/template/get_all_private_template", url.Values{"access_token": {tok.AccessToken}}, &list); err != nil {
		return nil, err
	}
	for i, t := range list.Templates {
		for _, m := range templateKey.FindAllStringSubmatch(t.Content, -1) {
			list.Templates[i].Keys = append(list.Templates[i].Keys, m[1])
		}
	}
	return list.Templates, nil
}

// printTemplates lists the template ids and their keys in the banner, so a
// bot's template messages can be written without asking the API first.
func printTemplates(w io.Writer, s *sim.Sim) {
	list, err := templates(s)
	if err != nil {
		fmt.Fprintf(w, "\n(could not list the simulated templates: %v)\n", err)
		return
	}
	if len(list) == 0 {
		return
	}
	fmt.Fprintf(w, "\nTemplates (模板消息) for template/send (WECHAT_TEMPLATE_ID), with their data keys:\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, t := range list {
		fmt.Fprintf(tw, "  %s\tkeys: %s\t%s\n", t.ID, strings.Join(t.Keys, ", "), t.Title)
	}
	_ = tw.Flush()
}
