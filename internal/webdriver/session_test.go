package webdriver

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNavigateAndPageInfo(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("POST "+sp+"/url", ok("null"))
	f.on("GET "+sp+"/url", ok(`"http://127.0.0.1:1234/chat?x=1"`))
	f.on("GET "+sp+"/title", ok(`"聊天"`))
	f.on("GET "+sp+"/source", ok(`"<html></html>"`))
	f.on("POST "+sp+"/back", ok("null"))
	s := f.session()
	assert.Equal(t, "sid-1", s.ID())

	require.NoError(t, s.Navigate("http://127.0.0.1:1234/chat?x=1"))
	u, err := s.CurrentURL()
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:1234/chat?x=1", u)
	title, err := s.Title()
	require.NoError(t, err)
	assert.Equal(t, "聊天", title)
	src, err := s.PageSource()
	require.NoError(t, err)
	assert.Equal(t, "<html></html>", src)
	require.NoError(t, s.Back())

	assert.Equal(t, []request{
		{"POST", sp + "/url", `{"url":"http://127.0.0.1:1234/chat?x=1"}`},
		{"GET", sp + "/url", ""},
		{"GET", sp + "/title", ""},
		{"GET", sp + "/source", ""},
		{"POST", sp + "/back", "{}"},
	}, f.requests())
}

func TestNavigateError(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("POST "+sp+"/url", wdErr(http.StatusInternalServerError, CodeUnknownError, "net::ERR_CONNECTION_REFUSED\n  (Session info: chrome=156)"))
	err := f.session().Navigate("http://127.0.0.1:1/")
	var we *Error
	require.ErrorAs(t, err, &we)
	assert.Equal(t, &Error{Code: CodeUnknownError, Message: "net::ERR_CONNECTION_REFUSED\n  (Session info: chrome=156)", Status: 500, Command: "POST /url"}, we)
	assert.Equal(t, "webdriver: POST /url: unknown error: net::ERR_CONNECTION_REFUSED", err.Error())
}

func TestFindAndElementCommands(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("POST "+sp+"/element", ok(elRef))
	e := sp + "/element/e1"
	f.on("POST "+e+"/click", ok("null"))
	f.on("POST "+e+"/value", ok("null"))
	f.on("POST "+e+"/clear", ok("null"))
	f.on("GET "+e+"/text", ok(`"你好"`))
	f.on("GET "+e+"/attribute/data-id", ok(`"42"`))
	f.on("GET "+e+"/attribute/hidden", ok(`null`))
	f.on("GET "+e+"/property/value", ok(`"typed"`))
	s := f.session()

	el, err := s.Find("#msg")
	require.NoError(t, err)
	assert.Equal(t, "e1", el.ID())
	require.NoError(t, el.Click())
	require.NoError(t, el.SendKeys("hi"+Enter))
	require.NoError(t, el.Clear())
	text, err := el.Text()
	require.NoError(t, err)
	assert.Equal(t, "你好", text)
	id, err := el.Attribute("data-id")
	require.NoError(t, err)
	assert.Equal(t, "42", id)
	hidden, err := el.Attribute("hidden")
	require.NoError(t, err)
	assert.Equal(t, "", hidden)
	v, err := el.Property("value")
	require.NoError(t, err)
	assert.JSONEq(t, `"typed"`, string(v))

	assert.Equal(t, []request{
		{"POST", sp + "/element", `{"using":"css selector","value":"#msg"}`},
		{"POST", e + "/click", "{}"},
		{"POST", e + "/value", `{"text":"hi` + Enter + `"}`},
		{"POST", e + "/clear", "{}"},
		{"GET", e + "/text", ""},
		{"GET", e + "/attribute/data-id", ""},
		{"GET", e + "/attribute/hidden", ""},
		{"GET", e + "/property/value", ""},
	}, f.requests())
}

func TestFindAll(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("POST "+sp+"/elements", ok(`[{"element-6066-11e4-a52e-4f735466cecf":"a"},{"element-6066-11e4-a52e-4f735466cecf":"b"}]`), ok(`[]`))
	f.on("POST "+sp+"/element/a/elements", ok(`[{"element-6066-11e4-a52e-4f735466cecf":"c"}]`))
	f.on("POST "+sp+"/element/a/element", ok(`{"element-6066-11e4-a52e-4f735466cecf":"c"}`))
	s := f.session()

	els, err := s.FindAll("li.msg")
	require.NoError(t, err)
	require.Len(t, els, 2)
	assert.Equal(t, "a", els[0].ID())
	assert.Equal(t, "b", els[1].ID())
	none, err := s.FindAll("li.msg")
	require.NoError(t, err)
	assert.Empty(t, none)
	kids, err := els[0].FindAll("span")
	require.NoError(t, err)
	require.Len(t, kids, 1)
	assert.Equal(t, "c", kids[0].ID())
	kid, err := els[0].Find("span")
	require.NoError(t, err)
	assert.Equal(t, "c", kid.ID())

	assert.Equal(t, []request{
		{"POST", sp + "/elements", `{"using":"css selector","value":"li.msg"}`},
		{"POST", sp + "/elements", `{"using":"css selector","value":"li.msg"}`},
		{"POST", sp + "/element/a/elements", `{"using":"css selector","value":"span"}`},
		{"POST", sp + "/element/a/element", `{"using":"css selector","value":"span"}`},
	}, f.requests())
}

func TestFindBadValues(t *testing.T) {
	t.Parallel()
	for name, rp := range map[string]reply{
		"no such element": wdErr(http.StatusNotFound, CodeNoSuchElement, "no such element: Unable to locate element"),
		"not a reference": ok(`{"ELEMENT":"e1"}`),
		"not an object":   ok(`"e1"`),
		"empty id":        ok(`{"element-6066-11e4-a52e-4f735466cecf":""}`),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDriver(t)
			f.on("POST "+sp+"/element", rp)
			el, err := f.session().Find("#x")
			assert.Nil(t, el)
			require.Error(t, err)
			if rp.status == http.StatusOK {
				var pe *ProtocolError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, "POST /element", pe.Command)
			} else {
				assert.True(t, IsCode(err, CodeNoSuchElement))
			}
		})
	}
	for name, rp := range map[string]reply{
		"not a list":   ok(`{}`),
		"no reference": ok(`[{"x":"y"}]`),
		"error":        wdErr(http.StatusBadRequest, CodeInvalidSelector, "invalid selector"),
	} {
		t.Run("all/"+name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDriver(t)
			f.on("POST "+sp+"/elements", rp)
			els, err := f.session().FindAll("[[")
			assert.Nil(t, els)
			require.Error(t, err)
		})
	}
}

func TestStringValues(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("GET "+sp+"/title", ok(`123`))
	_, err := f.session().Title()
	var pe *ProtocolError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "value is not a string", pe.Reason)
}

func TestWaitFor(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	missing := wdErr(http.StatusNotFound, CodeNoSuchElement, "no such element")
	f.on("POST "+sp+"/element", missing, missing, ok(elRef))
	el, err := f.session().WaitFor(".reply", 5*time.Second)
	require.NoError(t, err)
	assert.Equal(t, "e1", el.ID())
	assert.Len(t, f.requests(), 3)
	for _, r := range f.requests() {
		assert.Equal(t, request{"POST", sp + "/element", `{"using":"css selector","value":".reply"}`}, r)
	}
}

func TestWaitForTimeout(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("POST "+sp+"/element", wdErr(http.StatusNotFound, CodeNoSuchElement, "no such element"))
	start := time.Now()
	_, err := f.session().WaitFor(".reply", 120*time.Millisecond)
	assert.ErrorIs(t, err, ErrWaitTimeout)
	assert.Contains(t, err.Error(), `".reply"`)
	assert.GreaterOrEqual(t, time.Since(start), 120*time.Millisecond)
	assert.GreaterOrEqual(t, len(f.requests()), 2)
}

func TestWaitForOtherError(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("POST "+sp+"/element", wdErr(http.StatusBadRequest, CodeInvalidSelector, "invalid selector"))
	_, err := f.session().WaitFor("[[", 5*time.Second)
	assert.True(t, IsCode(err, CodeInvalidSelector))
	assert.NotErrorIs(t, err, ErrWaitTimeout)
	assert.Len(t, f.requests(), 1)
}

func TestWaitForText(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	two := `[{"element-6066-11e4-a52e-4f735466cecf":"a"},{"element-6066-11e4-a52e-4f735466cecf":"b"}]`
	f.on("POST "+sp+"/elements", ok(`[]`), ok(two))
	f.on("GET "+sp+"/element/a/text", wdErr(http.StatusNotFound, CodeStaleElementReference, "stale"))
	f.on("GET "+sp+"/element/b/text", ok(`"收到: 你好"`))
	el, err := f.session().WaitForText("li", "你好", 5*time.Second)
	require.NoError(t, err)
	assert.Equal(t, "b", el.ID())
	assert.Equal(t, []request{
		{"POST", sp + "/elements", `{"using":"css selector","value":"li"}`},
		{"POST", sp + "/elements", `{"using":"css selector","value":"li"}`},
		{"GET", sp + "/element/a/text", ""},
		{"GET", sp + "/element/b/text", ""},
	}, f.requests())
}

func TestWaitForTextTimeout(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("POST "+sp+"/elements", ok(`[`+elRef+`]`))
	f.on("GET "+sp+"/element/e1/text", ok(`"hello"`))
	_, err := f.session().WaitForText("li", "bye", 100*time.Millisecond)
	assert.ErrorIs(t, err, ErrWaitTimeout)
	assert.Contains(t, err.Error(), `1 seen: ["hello"]`)
}

func TestWaitForTextErrors(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("POST "+sp+"/elements", wdErr(http.StatusBadRequest, CodeInvalidSelector, "bad"))
	_, err := f.session().WaitForText("[[", "x", time.Second)
	assert.True(t, IsCode(err, CodeInvalidSelector))

	g := newFakeDriver(t)
	g.on("POST "+sp+"/elements", ok(`[`+elRef+`]`))
	g.on("GET "+sp+"/element/e1/text", wdErr(http.StatusNotFound, CodeNoSuchWindow, "window closed"))
	_, err = g.session().WaitForText("li", "x", time.Second)
	assert.True(t, IsCode(err, CodeNoSuchWindow))
}

func TestQuoteSome(t *testing.T) {
	t.Parallel()
	long := string(bytes.Repeat([]byte("a"), 100))
	assert.Equal(t, `["3" "4" "5" "6" "7"]`, quoteSome([]string{"1", "2", "3", "4", "5", "6", "7"}))
	assert.Equal(t, `["`+long[:80]+`…"]`, quoteSome([]string{long}))
	assert.Equal(t, `[]`, quoteSome(nil))
}

func TestExecuteScript(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("POST "+sp+"/execute/sync", ok(`{"n":2}`), ok(`null`), wdErr(http.StatusInternalServerError, CodeJavaScriptError, "javascript error: boom"))
	s := f.session()
	el := &Element{s: s, id: "e1"}
	v, err := s.ExecuteScript("return {n: arguments[0] + 1}", 1, el, "x", nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"n":2}`, string(v))
	v, err = s.ExecuteScript("window.scrollTo(0, 0)")
	require.NoError(t, err)
	assert.Equal(t, "null", string(v))
	_, err = s.ExecuteScript("throw new Error('boom')")
	assert.True(t, IsCode(err, CodeJavaScriptError))
	_, err = s.ExecuteScript("return 1", func() {})
	assert.ErrorContains(t, err, "encode parameters")

	got := f.requests()
	require.Len(t, got, 3)
	assert.JSONEq(t, `{"script":"return {n: arguments[0] + 1}","args":[1,`+elRef+`,"x",null]}`, got[0].Body)
	assert.JSONEq(t, `{"script":"window.scrollTo(0, 0)","args":[]}`, got[1].Body)
	assert.Equal(t, sp+"/execute/sync", got[0].Path)
}

func tinyPNG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func TestScreenshot(t *testing.T) {
	t.Parallel()
	pngData := tinyPNG(t)
	f := newFakeDriver(t)
	f.on("GET "+sp+"/screenshot", ok(`"`+base64.StdEncoding.EncodeToString(pngData)+`"`))
	s := f.session()
	path := filepath.Join(t.TempDir(), "shot.png")
	require.NoError(t, s.Screenshot(path))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, pngData, b)
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 3, 2), img.Bounds())
	assert.Equal(t, []request{{"GET", sp + "/screenshot", ""}}, f.requests())

	err = s.Screenshot(filepath.Join(t.TempDir(), "no", "such", "dir.png"))
	assert.ErrorContains(t, err, "save screenshot")
}

func TestScreenshotBad(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("GET "+sp+"/screenshot", ok(`"not base64!"`), wdErr(http.StatusNotFound, CodeNoSuchWindow, "gone"))
	s := f.session()
	_, err := s.ScreenshotPNG()
	var pe *ProtocolError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "value is not base64", pe.Reason)
	err = s.Screenshot(filepath.Join(t.TempDir(), "x.png"))
	assert.True(t, IsCode(err, CodeNoSuchWindow))
}

func TestQuit(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("DELETE "+sp, ok("null"))
	require.NoError(t, f.session().quit(time.Second))
	assert.Equal(t, []request{{"DELETE", sp, ""}}, f.requests())
}

func TestSessionIDEscaped(t *testing.T) {
	t.Parallel()
	f := newFakeDriver(t)
	f.on("GET /session/a%2Fb/title", ok(`"t"`))
	c := newClient(f.srv.URL, time.Second, nil)
	title, err := newSession(c, "a/b").Title()
	require.NoError(t, err)
	assert.Equal(t, "t", title)
}
