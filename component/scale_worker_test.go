package component_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/errgroup"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/component"
	componentredis "github.com/wxkit/mp/component/redisstore"
	"github.com/wxkit/mp/message"
	tokenredis "github.com/wxkit/mp/token/redisstore"
)

// workerEnv carries the JSON workerConfig to a worker process of
// BenchmarkPlatformProcesses; TestPlatformWorker is a no-op without it.
const workerEnv = "WXKIT_PLATFORM_WORKER"

// workerTag starts every line a worker writes for the benchmark on stdout
// (the test binary writes PASS and the like around them).
const workerTag = "wxkit-platform-worker"

// workerConfig is what a worker process needs: the shared Redis, the
// simulator, the platform's credentials (the simulator's public
// development ones) and the accounts.
type workerConfig struct {
	Redis     string
	Prefix    string // of every Redis key of this benchmark run
	SimURL    string
	Component component.Config
	AppIDs    string // file with one authorizer AppID a line
	Jitter    time.Duration
	Warmers   int // concurrent token reads while warming
}

// TestPlatformWorker is one process of the platform in
// BenchmarkPlatformProcesses (scale_test.go), which starts it by
// re-executing the test binary with workerEnv set. Otherwise it skips at
// once.
func TestPlatformWorker(t *testing.T) {
	raw := os.Getenv(workerEnv)
	if raw == "" {
		t.Skip("a worker process of BenchmarkPlatformProcesses; runs only when that benchmark starts it")
	}
	var cfg workerConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatalf("%s: %v", workerEnv, err)
	}
	if err := runWorker(cfg, os.Stdin, os.Stdout); err != nil {
		t.Fatal(err)
	}
}

// runWorker is one replica of a platform: a component.Platform on the
// shared Redis serving the authorization events (PushHandler, which
// exchanges each auth code with query_auth) and the messages of every
// authorized account (NewCallbackServer), plus the stdlib floor handler. It
// prints its address, then obeys commands read from in until in closes:
//
//	warm <offset>  read every account's access token, starting at offset;
//	               answers "warmed <heap before> <heap after>" (bytes, after GC)
//	stats          answers "stats <messages handled> <heap bytes after GC>"
func runWorker(cfg workerConfig, in io.Reader, out io.Writer) error {
	raw, err := os.ReadFile(cfg.AppIDs)
	if err != nil {
		return err
	}
	appids := strings.Fields(string(raw))
	if len(appids) == 0 {
		return errors.New("worker: no accounts")
	}
	rdb := redis.NewClient(&redis.Options{Addr: cfg.Redis, PoolSize: 4 * max(cfg.Warmers, 16)})
	defer rdb.Close()
	rts := componentredis.New(rdb, cfg.Component.AppID, componentredis.WithPrefix(cfg.Prefix))
	tr := &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()

	var p *component.Platform
	p, err = component.New(cfg.Component,
		component.WithTicketStore(rts), component.WithRefreshTokenStore(rts),
		component.WithTokenStore(tokenredis.New(rdb, tokenredis.WithPrefix(cfg.Prefix))),
		component.WithRefreshJitter(cfg.Jitter),
		component.WithClientOptions(mp.WithHost(cfg.SimURL), mp.WithHTTPClient(&http.Client{Transport: tr})),
		component.WithEventHandler(func(ctx context.Context, push *component.Push) error {
			switch push.InfoType {
			case component.InfoAuthorized, component.InfoUpdateAuthorized:
				// Exchange the code at once: the refresh token (and the
				// first access token) land in Redis for every replica.
				_, err := p.QueryAuth(ctx, push.AuthorizationCode)
				return err
			}
			return nil
		}))
	if err != nil {
		return err
	}
	var handled atomic.Int64
	cb, err := component.NewCallbackServer(p, message.HandlerFunc(func(ctx context.Context, _ message.Message) (message.Reply, error) {
		handled.Add(1)
		return message.TextReply{Content: "echo " + component.AuthorizerAppID(ctx)}, nil
	}))
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/ticket", p.PushHandler())
	mux.Handle("/wechat/", cb)
	mux.HandleFunc("/floor", floorHandler)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	_, _ = fmt.Fprintf(out, "%s addr %s\n", workerTag, ln.Addr())

	sc := bufio.NewScanner(in)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "warm":
			off := 0
			if len(f) > 1 {
				off, _ = strconv.Atoi(f[1])
			}
			before := heapAfterGC()
			if err := warmAccounts(p, appids, off, max(cfg.Warmers, 1)); err != nil {
				_, _ = fmt.Fprintf(out, "%s error %s\n", workerTag, strings.ReplaceAll(err.Error(), "\n", " "))
				continue
			}
			_, _ = fmt.Fprintf(out, "%s warmed %d %d\n", workerTag, before, heapAfterGC())
		case "stats":
			_, _ = fmt.Fprintf(out, "%s stats %d %d\n", workerTag, handled.Load(), heapAfterGC())
		}
	}
	return nil // stdin closed: the benchmark is over, or its process died
}

// warmAccounts reads the access token of every account through its client,
// starting at offset, with conc reads at a time: what a replica does when
// all the tokens have expired and every account gets traffic.
func warmAccounts(p *component.Platform, appids []string, offset, conc int) error {
	ctx := context.Background()
	var g errgroup.Group
	g.SetLimit(conc)
	for i := range appids {
		id := appids[(i+offset)%len(appids)]
		g.Go(func() error {
			c, err := p.Client(id)
			if err != nil {
				return err
			}
			_, err = c.AccessToken(ctx)
			return err
		})
	}
	return g.Wait()
}

func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// floorHandler is the stdlib floor of the callback round trip: a plain
// (unencrypted) account's push answered with a text reply built from the
// two user names, with no SDK and no crypto. It answers the URL
// verification (GET echostr) too.
func floorHandler(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		_, _ = io.WriteString(w, r.URL.Query().Get("echostr"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = fmt.Fprintf(w, "<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[echo]]></Content></xml>",
		cdataOf(body, "FromUserName"), cdataOf(body, "ToUserName"), time.Now().Unix())
}

// cdataOf returns the CDATA text of the first <name> element of x.
func cdataOf(x []byte, name string) []byte {
	open := []byte("<" + name + "><![CDATA[")
	i := bytes.Index(x, open)
	if i < 0 {
		return nil
	}
	rest := x[i+len(open):]
	if j := bytes.Index(rest, []byte("]]>")); j >= 0 {
		return rest[:j]
	}
	return nil
}
