package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHostAllowed(t *testing.T) {
	t.Parallel()
	none := map[string]bool{}
	for _, h := range []string{"127.0.0.1:8090", "127.1.2.3", "localhost", "LOCALHOST:1", "[::1]:8090", "::1"} {
		assert.True(t, hostAllowed(h, none), h)
	}
	for _, h := range []string{"evil.example:8090", "attacker.test", "192.168.1.5:8090", "0.0.0.0:8090", "", "localhost.evil.test", "[::2]:80"} {
		assert.False(t, hostAllowed(h, none), h)
	}
	allow := map[string]bool{"192.168.1.5": true, "wxsim.lan:8090": true}
	assert.True(t, hostAllowed("192.168.1.5:8090", allow))
	assert.True(t, hostAllowed("wxsim.lan:8090", allow))
	assert.False(t, hostAllowed("wxsim.lan:9999", allow))
	assert.True(t, hostAllowed("anything", map[string]bool{"*": true}))
}

// A page on a rebound DNS name reaches the server with its own Host: the
// control API refuses it; loopback names and --allow-host names pass.
func TestServerRefusesForeignHost(t *testing.T) {
	t.Parallel()
	srv, err := startServer(serveConfig{Addr: "127.0.0.1:0", ReplyTimeout: time.Second, AllowHosts: []string{"wxsim.lan"}}, nil)
	require.NoError(t, err)
	defer func() { assert.NoError(t, srv.shutdown()) }()
	get := func(host string) int {
		req, _ := http.NewRequest("GET", srv.url+"/sim/api/info", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusForbidden, get("rebind.attacker.test:"+strings.Split(srv.url, ":")[2]))
	assert.Equal(t, http.StatusForbidden, get("192.168.1.20"))
	assert.Equal(t, http.StatusOK, get("localhost"))
	assert.Equal(t, http.StatusOK, get("wxsim.lan:8090"))
	resp, err := http.Get(srv.url + "/sim/api/info")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestParseAllowHost(t *testing.T) {
	t.Parallel()
	c, err := parseServe([]string{"--allow-host", "a.lan", "--allow-host", "b.lan,10.0.0.2"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.lan", "b.lan", "10.0.0.2"}, c.AllowHosts)
}

func TestNonLoopbackWarns(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	warnExposed(&out, &net.TCPAddr{IP: net.IPv4zero, Port: 8090}, serveConfig{})
	assert.Contains(t, out.String(), "WARNING: listening on 0.0.0.0:8090")
	assert.Contains(t, out.String(), "NO authentication")
	assert.Contains(t, out.String(), "--allow-host")
	out.Reset()
	warnExposed(&out, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8090}, serveConfig{})
	assert.Empty(t, out.String())
}

// The server cuts a body that never arrives (slowloris), while the event
// stream outlives the server's read and write timeouts.
func TestServerTimeouts(t *testing.T) {
	t.Parallel()
	srv, err := startServer(serveConfig{Addr: "127.0.0.1:0", ReplyTimeout: time.Second,
		readTimeout: 300 * time.Millisecond, writeTimeout: 300 * time.Millisecond}, nil)
	require.NoError(t, err)
	defer func() { assert.NoError(t, srv.shutdown()) }()
	host := strings.TrimPrefix(srv.url, "http://")

	// A body announced and never sent: the server hangs up.
	conn, err := net.Dial("tcp", host)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST /sim/api/followers HTTP/1.1\r\nHost: "+host+"\r\nContent-Length: 100\r\n\r\n{")
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(20*time.Second)))
	_, err = io.ReadAll(conn)
	require.NoError(t, err, "the server closed the connection (not our 20 s deadline)")

	// The stream is still open after both timeouts passed, and delivers.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.url+"/sim/api/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	time.Sleep(time.Second) // > both timeouts: what is measured is that nothing cuts the stream
	r2, err := http.Post(srv.url+"/sim/api/followers", "application/json", strings.NewReader(`{"name":"Alice"}`))
	require.NoError(t, err)
	r2.Body.Close()
	r3, err := http.Post(srv.url+"/sim/api/followers/Alice/follow", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	r3.Body.Close()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			require.True(t, ok, "the stream was cut")
			if strings.HasPrefix(l, "event: item") {
				return
			}
		case <-deadline:
			t.Fatal("no event on the stream")
		}
	}
}
