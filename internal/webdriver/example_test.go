package webdriver_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/wxkit/mp/internal/webdriver"
)

// A browser test of a chat page: type a message, send it with Enter, wait
// for it to show up, and keep a screenshot.
func Example() {
	testChat := func(t *testing.T) {
		page := httptest.NewServer(http.FileServer(http.Dir("testdata/chat")))
		defer page.Close()

		s := webdriver.Start(t) // skips when Chromium is not installed
		if err := s.Navigate(page.URL); err != nil {
			t.Fatal(err)
		}
		input, err := s.WaitFor("#msg", 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if err := input.SendKeys("你好" + webdriver.Enter); err != nil {
			t.Fatal(err)
		}
		if _, err := s.WaitForText(".bubble", "你好", 5*time.Second); err != nil {
			t.Fatal(err)
		}
		if err := s.Screenshot(filepath.Join(t.TempDir(), "chat.png")); err != nil {
			t.Fatal(err)
		}
	}
	_ = testChat
}

// Errors of the remote end carry the WebDriver error code.
func ExampleIsCode() {
	err := fmt.Errorf("open menu: %w", &webdriver.Error{
		Code:    webdriver.CodeNoSuchElement,
		Message: "no such element: Unable to locate element: {\"method\":\"css selector\",\"selector\":\"#menu\"}\n  (Session info: chrome=156.0.8078.79)",
		Status:  http.StatusNotFound,
		Command: "POST /element",
	})
	fmt.Println(webdriver.IsCode(err, webdriver.CodeNoSuchElement))
	var we *webdriver.Error
	if errors.As(err, &we) {
		fmt.Println(we.Code, we.Status)
	}
	fmt.Println(err)
	// Output:
	// true
	// no such element 404
	// open menu: webdriver: POST /element: no such element: no such element: Unable to locate element: {"method":"css selector","selector":"#menu"}
}

// Waiting for something that never comes ends with ErrWaitTimeout.
func ExampleSession_WaitFor() {
	testReply := func(t *testing.T) {
		s := webdriver.Start(t, webdriver.WithWindowSize(375, 667))
		_, err := s.WaitFor(".reply", 2*time.Second)
		if errors.Is(err, webdriver.ErrWaitTimeout) {
			src, _ := s.PageSource()
			t.Fatalf("no reply; page:\n%s", src)
		}
	}
	_ = testReply
}
