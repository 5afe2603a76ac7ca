package main

import (
	"embed"
	"io/fs"
	"net/http"
)

// webFiles is the chat page: plain HTML, CSS and JavaScript, no build step.
//
//go:embed web
var webFiles embed.FS

// serveIndex serves the chat page at /.
func serveIndex(w http.ResponseWriter, _ *http.Request) {
	b, err := webFiles.ReadFile("web/index.html")
	if err != nil {
		http.Error(w, "the chat page is missing from this build", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// staticHandler serves the page's scripts and styles (/sim/ui/...).
func staticHandler() http.Handler {
	sub, err := fs.Sub(webFiles, "web")
	if err != nil {
		return http.NotFoundHandler()
	}
	fsrv := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		fsrv.ServeHTTP(w, r)
	})
}
