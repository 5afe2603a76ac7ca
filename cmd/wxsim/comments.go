package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/wxkit/mp/sim"
)

// Comments (留言) on published articles: the control API the chat page's
// comment box and "wxsim comment" use.
func init() {
	extraAPI = append(extraAPI, func(a *app, mux *http.ServeMux) {
		mux.HandleFunc("GET /sim/api/articles", a.handleArticles)
		mux.HandleFunc("POST /sim/api/articles/{msg_data_id}/{index}/comments", a.handleComment)
	})
	commands["comment"] = command{
		summary: "comment --user NAME [--article MSGDATAID_INDEX] TEXT: comment on a published article (default the newest with comments open)",
		setup: func(fs *flag.FlagSet, o *cmdOptions) {
			userFlag(fs, o)
			fs.StringVar(&o.Article, "article", "", "the article: msg_data_id_index, e.g. 1_0 (default the newest with comments open)")
		},
		run: cmdComment,
	}
	needsUser["comment"] = true
}

// articleJSON is a published article and its comments.
type articleJSON struct {
	MsgDataID    int64         `json:"msg_data_id"`
	Index        int           `json:"index"`
	Title        string        `json:"title"`
	URL          string        `json:"url"`
	CommentsOpen bool          `json:"comments_open"`
	Comments     []commentJSON `json:"comments"`
}

type commentJSON struct {
	ID        int64  `json:"user_comment_id"`
	OpenID    string `json:"openid"`
	Name      string `json:"name"`
	Content   string `json:"content"`
	Elected   bool   `json:"elected"`
	Reply     string `json:"reply,omitempty"`
	CreatedAt int64  `json:"create_time"`
}

// handleArticles serves GET /sim/api/articles: the published articles,
// newest first, with their comments.
func (a *app) handleArticles(w http.ResponseWriter, r *http.Request) {
	pubs := a.sim(r).PublishedArticles()
	out := make([]articleJSON, 0, len(pubs))
	for i := len(pubs) - 1; i >= 0; i-- {
		p := pubs[i]
		aj := articleJSON{MsgDataID: p.MsgDataID, Index: p.Index, Title: p.Title, URL: p.URL, CommentsOpen: p.CommentsOpen, Comments: []commentJSON{}}
		for _, c := range a.sim(r).Comments(p.MsgDataID, p.Index) {
			aj.Comments = append(aj.Comments, commentJSON{ID: c.ID, OpenID: c.OpenID, Name: c.Name, Content: c.Content, Elected: c.Elected, Reply: c.Reply, CreatedAt: c.CreatedAt})
		}
		out = append(out, aj)
	}
	writeJSON(w, http.StatusOK, out)
}

// handleComment serves POST /sim/api/articles/{msg_data_id}/{index}/comments
// {"user","content"}: the follower comments (201 with the comment).
func (a *app) handleComment(w http.ResponseWriter, r *http.Request) {
	id, err1 := strconv.ParseInt(r.PathValue("msg_data_id"), 10, 64)
	idx, err2 := strconv.Atoi(r.PathValue("index"))
	if err1 != nil || err2 != nil {
		writeError(w, http.StatusBadRequest, "bad_article", "the article is /sim/api/articles/{msg_data_id}/{index}/comments with numbers")
		return
	}
	var req struct {
		User    string `json:"user"`
		Content string `json:"content"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	f := a.lookup(r, req.User)
	if f == nil {
		writeError(w, http.StatusNotFound, "unknown_user", fmt.Sprintf("no simulated user %q", req.User))
		return
	}
	content := strings.TrimSpace(req.Content)
	if content == "" || len([]rune(content)) > 600 {
		writeError(w, http.StatusBadRequest, "bad_content", "a comment is 1 to 600 characters")
		return
	}
	cid, err := f.Comment(r.Context(), id, idx, content)
	switch {
	case errors.Is(err, sim.ErrUnknownArticle):
		writeError(w, http.StatusNotFound, "unknown_article", err.Error())
		return
	case errors.Is(err, sim.ErrCommentsClosed):
		writeError(w, http.StatusConflict, "comments_closed", err.Error())
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, "comment_failed", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, commentJSON{ID: cid, OpenID: f.OpenID(), Name: f.Name(), Content: content})
}

// cmdComment posts a comment as --user.
// pickArticle resolves --article (msg_data_id_index), or else the newest
// published article that want accepts; none is an error saying none.
func pickArticle(ctx context.Context, c *apiClient, flag string, want func(articleJSON) bool, none string) (int64, int, error) {
	if flag != "" {
		a, b, ok := strings.Cut(flag, "_")
		id, err1 := strconv.ParseInt(a, 10, 64)
		idx, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil {
			return 0, 0, usagef("--article is msg_data_id_index, e.g. 1_0")
		}
		return id, idx, nil
	}
	var arts []articleJSON
	if err := c.do(ctx, http.MethodGet, "/sim/api/articles", nil, &arts); err != nil {
		return 0, 0, err
	}
	for _, a := range arts {
		if want(a) {
			return a.MsgDataID, a.Index, nil
		}
	}
	return 0, 0, errors.New(none)
}

func cmdComment(ctx context.Context, c *apiClient, o *cmdOptions, args []string, w io.Writer) error {
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
		return usagef("want exactly one comment text")
	}
	id, idx, err := pickArticle(ctx, c, o.Article, func(a articleJSON) bool { return a.CommentsOpen },
		"no published article has comments open (publish one, then open its comments with comment.Open)")
	if err != nil {
		return err
	}
	var out commentJSON
	if err := c.do(ctx, http.MethodPost, "/sim/api/articles/"+strconv.FormatInt(id, 10)+"/"+strconv.Itoa(idx)+"/comments",
		map[string]string{"user": o.User, "content": args[0]}, &out); err != nil {
		return err
	}
	if o.JSON {
		return printJSON(w, out)
	}
	fmt.Fprintf(w, "%s commented on %d_%d (user_comment_id %d): %s\n", out.Name, id, idx, out.ID, out.Content)
	return nil
}
