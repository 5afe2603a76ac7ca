package webdriver

import (
	"bytes"
	"encoding/json"
	"errors"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chatPage has an input, a button that appends the input's text to a list
// (a little later, as a server round trip would) and a link to a second page.
const chatPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>聊天 Chat</title>
<style>body{font-family:sans-serif} li{padding:4px;background:#95ec69;margin:4px;border-radius:4px}</style>
</head><body>
<h1>Chat</h1>
<ul id="list"></ul>
<input id="msg" placeholder="说点什么">
<button id="send">发送</button>
<p><a id="next" href="/second">Second page</a></p>
<script>
function send() {
  var input = document.getElementById('msg');
  var text = input.value;
  if (!text) return;
  input.value = '';
  setTimeout(function () {
    var li = document.createElement('li');
    li.className = 'item';
    li.textContent = text;
    document.getElementById('list').appendChild(li);
  }, 150);
}
document.getElementById('send').addEventListener('click', send);
document.getElementById('msg').addEventListener('keydown', function (e) {
  if (e.key === 'Enter') send();
});
</script>
</body></html>`

const secondPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Second</title></head>
<body><h1 id="title">第二页 Second page</h1></body></html>`

// pageServer serves the two pages and records the paths asked for.
func pageServer(t *testing.T) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/":
			_, _ = w.Write([]byte(chatPage))
		case "/second":
			_, _ = w.Write([]byte(secondPage))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), paths...)
	}
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	began := time.Now()
	s := Start(t)
	t.Logf("browser started in %v", time.Since(began))
	srv, paths := pageServer(t)

	require.NoError(t, s.Navigate(srv.URL+"/"))
	title, err := s.Title()
	require.NoError(t, err)
	assert.Equal(t, "聊天 Chat", title)

	// Type and click.
	input, err := s.WaitFor("#msg", 5*time.Second)
	require.NoError(t, err)
	placeholder, err := input.Attribute("placeholder")
	require.NoError(t, err)
	assert.Equal(t, "说点什么", placeholder)
	none, err := input.Attribute("data-none")
	require.NoError(t, err)
	assert.Equal(t, "", none)

	require.NoError(t, input.SendKeys("你好 hello"))
	value, err := input.Property("value")
	require.NoError(t, err)
	assert.JSONEq(t, `"你好 hello"`, string(value))
	send, err := s.Find("#send")
	require.NoError(t, err)
	require.NoError(t, send.Click())
	item, err := s.WaitForText("#list li", "你好 hello", 5*time.Second)
	require.NoError(t, err)
	text, err := item.Text()
	require.NoError(t, err)
	assert.Equal(t, "你好 hello", text)

	// Enter submits too; the input is emptied.
	require.NoError(t, input.SendKeys("second message"+Enter))
	_, err = s.WaitForText(".item", "second", 5*time.Second)
	require.NoError(t, err)
	value, err = input.Property("value")
	require.NoError(t, err)
	assert.JSONEq(t, `""`, string(value))
	list, err := s.Find("#list")
	require.NoError(t, err)
	items, err := list.FindAll("li")
	require.NoError(t, err)
	require.Len(t, items, 2)
	first, err := list.Find("li")
	require.NoError(t, err)
	text, err = first.Text()
	require.NoError(t, err)
	assert.Equal(t, "你好 hello", text)

	// Clear.
	require.NoError(t, input.SendKeys("draft"))
	require.NoError(t, input.Clear())
	value, err = input.Property("value")
	require.NoError(t, err)
	assert.JSONEq(t, `""`, string(value))

	// Scripts get plain values and elements as arguments.
	v, err := s.ExecuteScript("return arguments[0] + 2 + ':' + arguments[1].id", 40, input)
	require.NoError(t, err)
	assert.JSONEq(t, `"42:msg"`, string(v))
	v, err = s.ExecuteScript("return document.querySelectorAll('li').length")
	require.NoError(t, err)
	assert.JSONEq(t, `2`, string(v))
	_, err = s.ExecuteScript("throw new Error('boom')")
	assert.True(t, IsCode(err, CodeJavaScriptError), "got %v", err)

	// Typed errors from chromedriver.
	_, err = s.Find("#nope")
	var we *Error
	require.ErrorAs(t, err, &we)
	assert.Equal(t, CodeNoSuchElement, we.Code)
	assert.Equal(t, http.StatusNotFound, we.Status)
	assert.Equal(t, "POST /element", we.Command)
	_, err = s.Find("[[[")
	assert.True(t, IsCode(err, CodeInvalidSelector), "got %v", err)
	_, err = s.WaitFor("[[[", time.Second)
	assert.True(t, IsCode(err, CodeInvalidSelector), "got %v", err)
	_, err = s.WaitFor("#nope", 200*time.Millisecond)
	assert.ErrorIs(t, err, ErrWaitTimeout)
	_, err = s.WaitForText("#list li", "never said", 200*time.Millisecond)
	assert.ErrorIs(t, err, ErrWaitTimeout)
	assert.Contains(t, err.Error(), `"second message"`)
	found, err := s.FindAll(".nope")
	require.NoError(t, err)
	assert.Empty(t, found)

	// Follow the link, and come back.
	link, err := s.Find("#next")
	require.NoError(t, err)
	require.NoError(t, link.Click())
	h1, err := s.WaitForText("h1", "Second page", 5*time.Second)
	require.NoError(t, err)
	text, err = h1.Text()
	require.NoError(t, err)
	assert.Equal(t, "第二页 Second page", text)
	u, err := s.CurrentURL()
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/second", u)
	title, err = s.Title()
	require.NoError(t, err)
	assert.Equal(t, "Second", title)
	src, err := s.PageSource()
	require.NoError(t, err)
	assert.Contains(t, src, "第二页")
	// The element of the first page is gone.
	_, err = input.Text()
	assert.True(t, IsCode(err, CodeStaleElementReference), "got %v", err)

	// Screenshot of the phone-sized viewport.
	shot := filepath.Join(t.TempDir(), "second.png")
	require.NoError(t, s.Screenshot(shot))
	b, err := os.ReadFile(shot)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 420, img.Bounds().Dx())
	assert.Equal(t, 860, img.Bounds().Dy())

	require.NoError(t, s.Back())
	u, err = s.CurrentURL()
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/", u)

	// Back may come from the back/forward cache: no third request needed.
	assert.Equal(t, []string{"GET /", "GET /second"}, withoutFavicon(paths())[:2])
	t.Logf("browser test took %v", time.Since(began))
}

func withoutFavicon(paths []string) []string {
	out := paths[:0:0]
	for _, p := range paths {
		if !strings.HasSuffix(p, "/favicon.ico") {
			out = append(out, p)
		}
	}
	return out
}

// TestBrowserWindowSize checks options reach Chromium.
func TestBrowserWindowSize(t *testing.T) {
	t.Parallel()
	s := Start(t, WithWindowSize(800, 600), WithArgs("--user-agent=wxkit-webdriver-test"), WithCommandTimeout(20*time.Second))
	v, err := s.ExecuteScript("return [window.innerWidth, window.innerHeight, navigator.userAgent]")
	require.NoError(t, err)
	var got []any
	require.NoError(t, json.Unmarshal(v, &got))
	require.Len(t, got, 3)
	assert.Equal(t, float64(800), got[0])
	assert.Equal(t, float64(600), got[1])
	assert.Equal(t, "wxkit-webdriver-test", got[2])
	png, err := s.ScreenshotPNG()
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")))
	assert.False(t, errors.Is(err, ErrWaitTimeout))
}
