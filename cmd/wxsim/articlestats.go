package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/wxkit/mp/sim"
)

// Reads (阅读) and shares (分享) of published articles: the control API the
// chat page's article view and "wxsim read" / "wxsim share" use. They feed
// the 发表内容 reports of 数据统计 (getarticleread, getarticleshare,
// getbizsummary, getarticletotaldetail).
func init() {
	extraAPI = append(extraAPI, func(a *app, mux *http.ServeMux) {
		mux.HandleFunc("POST /sim/api/articles/{msg_data_id}/{index}/read", a.handleArticleRead)
		mux.HandleFunc("POST /sim/api/articles/{msg_data_id}/{index}/share", a.handleArticleShare)
	})
	commands["read"] = command{
		summary: "read --user NAME [--article MSGDATAID_INDEX] [--via SOURCE]: read a published article (default the newest); SOURCE is " + strings.Join(sourceNames(), "|"),
		setup: func(fs *flag.FlagSet, o *cmdOptions) {
			userFlag(fs, o)
			fs.StringVar(&o.Article, "article", "", "the article: msg_data_id_index, e.g. 1_0 (default the newest)")
			fs.StringVar(&o.Scene, "via", "", "where the reader came from: "+strings.Join(sourceNames(), ", ")+" (default chat for a follower, friend otherwise)")
		},
		run: func(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
			return cmdArticleAct(ctx, c, o, args, w, "read")
		},
	}
	commands["share"] = command{
		summary: "share --user NAME [--article MSGDATAID_INDEX] [--to friend|moments|other]: share a published article (default the newest, to a friend)",
		setup: func(fs *flag.FlagSet, o *cmdOptions) {
			userFlag(fs, o)
			fs.StringVar(&o.Article, "article", "", "the article: msg_data_id_index, e.g. 1_0 (default the newest)")
			fs.StringVar(&o.Scene, "to", "friend", "where to share it: friend (好友转发), moments (朋友圈) or other")
		},
		run: func(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
			return cmdArticleAct(ctx, c, o, args, w, "share")
		},
	}
	needsUser["read"] = true
	needsUser["share"] = true
}

var readSources = map[string]sim.ReadSource{
	"chat": sim.ReadFromChat, "friend": sim.ReadFromFriend, "moments": sim.ReadFromMoments, "history": sim.ReadFromHistory,
	"other": sim.ReadFromOther, "topstories": sim.ReadFromTopStories, "search": sim.ReadFromSearch,
}

var shareScenes = map[string]sim.ShareScene{"friend": sim.ShareToFriend, "moments": sim.ShareToMoments, "other": sim.ShareOther}

func sourceNames() []string {
	out := make([]string, 0, len(readSources))
	for k := range readSources {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// activityJSON is what readers did with an article so far.
type activityJSON struct {
	MsgDataID   int64  `json:"msg_data_id"`
	Index       int    `json:"index"`
	OpenID      string `json:"openid"`
	Name        string `json:"name"`
	Reads       int    `json:"reads"`
	ReadUsers   int    `json:"read_users"`
	Shares      int    `json:"shares"`
	ShareUsers  int    `json:"share_users"`
	LikeUsers   int    `json:"like_users"`
	ZaikanUsers int    `json:"zaikan_users"`
	Collections int    `json:"collection_users"`
}

func (a *app) handleArticleRead(w http.ResponseWriter, r *http.Request) {
	a.articleAct(w, r, true, func(ctx context.Context, f *sim.Follower, id int64, idx int, how actHow) (string, error) {
		var opts []sim.ReadOption
		if how.Source != "" {
			src, ok := readSources[how.Source]
			if !ok {
				return "bad_source", fmt.Errorf("source is one of %s", strings.Join(sourceNames(), ", "))
			}
			opts = append(opts, sim.ReadVia(src))
		}
		return "", f.ReadArticle(ctx, id, idx, opts...)
	})
}

func (a *app) handleArticleShare(w http.ResponseWriter, r *http.Request) {
	a.articleAct(w, r, false, func(ctx context.Context, f *sim.Follower, id int64, idx int, how actHow) (string, error) {
		if how.Scene == "" {
			how.Scene = "friend"
		}
		sc, ok := shareScenes[how.Scene]
		if !ok {
			return "bad_scene", errors.New("scene is friend, moments or other")
		}
		return "", f.ShareArticle(ctx, id, idx, sc)
	})
}

// actHow is how a reader reads (source) or shares (scene).
type actHow struct {
	Source string `json:"source"` // read: a key of readSources
	Scene  string `json:"scene"`  // share: a key of shareScenes
}

// articleAct serves POST /sim/api/articles/{msg_data_id}/{index}/read
// {"user","source"} and …/share {"user","scene"}: 200 with the article's
// activity so far. A bad source or scene comes back as its code with 400.
// A read by a name nobody has yet creates that user (not a follower: an
// article forwarded to them or seen in 朋友圈); a share needs a known user.
func (a *app) articleAct(w http.ResponseWriter, r *http.Request, create bool, act func(ctx context.Context, f *sim.Follower, id int64, idx int, how actHow) (string, error)) {
	id, err1 := strconv.ParseInt(r.PathValue("msg_data_id"), 10, 64)
	idx, err2 := strconv.Atoi(r.PathValue("index"))
	if err1 != nil || err2 != nil {
		writeError(w, http.StatusBadRequest, "bad_article", "the article is /sim/api/articles/{msg_data_id}/{index}/… with numbers")
		return
	}
	var req struct {
		User string `json:"user"`
		actHow
	}
	if !decodeBody(w, r, &req) {
		return
	}
	f := a.lookup(r, req.User)
	if f == nil && create && validName(req.User) == nil {
		f, _ = a.getOrCreate(r, req.User)
	}
	if f == nil {
		writeError(w, http.StatusNotFound, "unknown_user", fmt.Sprintf("no simulated user %q", req.User))
		return
	}
	code, err := act(r.Context(), f, id, idx, req.actHow)
	switch {
	case code != "":
		writeError(w, http.StatusBadRequest, code, err.Error())
		return
	case errors.Is(err, sim.ErrUnknownArticle):
		writeError(w, http.StatusNotFound, "unknown_article", err.Error())
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, "article_failed", err.Error())
		return
	}
	s := a.sim(r).ArticleActivity(id, idx)
	writeJSON(w, http.StatusOK, activityJSON{MsgDataID: id, Index: idx, OpenID: f.OpenID(), Name: f.Name(), Reads: s.Reads, ReadUsers: s.ReadUsers,
		Shares: s.Shares, ShareUsers: s.ShareUsers, LikeUsers: s.LikeUsers, ZaikanUsers: s.ZaikanUsers, Collections: s.Collections})
}

// cmdArticleAct reads or shares an article as --user.
func cmdArticleAct(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer, verb string) error {
	if len(args) != 0 {
		return usagef("%s takes no arguments", verb)
	}
	body := map[string]string{"user": o.User}
	if verb == "read" {
		if _, ok := readSources[o.Scene]; o.Scene != "" && !ok {
			return usagef("--via is one of %s", strings.Join(sourceNames(), ", "))
		}
		body["source"] = o.Scene
	} else {
		if _, ok := shareScenes[o.Scene]; !ok {
			return usagef("--to is friend, moments or other")
		}
		body["scene"] = o.Scene
	}
	id, idx, err := pickArticle(ctx, c, o.Article, func(articleJSON) bool { return true },
		"no published article (publish one with freepublish/submit)")
	if err != nil {
		return err
	}
	var out activityJSON
	if err := c.do(ctx, http.MethodPost, "/sim/api/articles/"+strconv.FormatInt(id, 10)+"/"+strconv.Itoa(idx)+"/"+verb, body, &out); err != nil {
		return err
	}
	if o.JSON {
		return printJSON(w, out)
	}
	past := map[string]string{"read": "read", "share": "shared"}[verb]
	fmt.Fprintf(w, "%s %s %d_%d (reads %d by %d readers, shares %d by %d sharers)\n", out.Name, past, id, idx, out.Reads, out.ReadUsers, out.Shares, out.ShareUsers)
	return nil
}
