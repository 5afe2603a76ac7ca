package main

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Timeouts of the wxsim HTTP server. The event stream (GET /sim/api/feed
// with Accept: text/event-stream) lifts the read and write deadlines for
// itself and sets a write deadline per event instead.
const (
	serverReadTimeout  = time.Minute
	serverIdleTimeout  = 2 * time.Minute
	streamWriteTimeout = 30 * time.Second
)

// serverWriteTimeout leaves room for the longest request: a push that waits
// for the bot's passive reply, retried.
func serverWriteTimeout(cfg serveConfig) time.Duration {
	d := time.Duration(cfg.Retries+1)*cfg.ReplyTimeout + 30*time.Second
	if d < time.Minute {
		d = time.Minute
	}
	return d
}

// hostGuard refuses requests whose Host is not loopback (127.0.0.0/8, ::1,
// localhost, any port) nor listed with --allow-host: a web page the
// developer visits cannot reach the control API through a DNS name that
// resolves to 127.0.0.1 (DNS rebinding), and a LAN peer cannot use a
// non-loopback listener without being allowed by name. "*" allows any Host.
func hostGuard(next http.Handler, allowed []string) http.Handler {
	allow := map[string]bool{}
	for _, h := range allowed {
		allow[strings.ToLower(strings.TrimSpace(h))] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hostAllowed(r.Host, allow) {
			http.Error(w, fmt.Sprintf("wxsim: Host %q is not allowed (protection against DNS rebinding); "+
				"use 127.0.0.1 or localhost, or restart wxsim with --allow-host %s", r.Host, hostOnly(r.Host)), http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

func hostAllowed(hostport string, allow map[string]bool) bool {
	if allow["*"] {
		return true
	}
	hostport = strings.ToLower(hostport)
	host := hostOnly(hostport)
	if host == "localhost" || allow[host] || allow[hostport] {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// hostList is the repeatable --allow-host flag (also comma-separated).
type hostList []string

func (l *hostList) String() string { return strings.Join(*l, ",") }

func (l *hostList) Set(v string) error {
	for _, h := range strings.Split(v, ",") {
		if h = strings.TrimSpace(h); h != "" {
			*l = append(*l, h)
		}
	}
	return nil
}
