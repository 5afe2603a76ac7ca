// Package webdriver is a small W3C WebDriver client, built on net/http alone,
// that drives a headless Chromium through chromedriver so that tests can use
// a page the way a person would: type into an input, click a button, wait
// for text to appear, follow a link, take a screenshot.
//
// The project uses it to test browser UIs such as the chat page of the
// simulator (模拟器) that stands in for a WeChat client talking to an
// Official Account (公众号). It is internal: a test helper, not part of the
// public SDK.
//
// # Starting a browser
//
// [Start] launches chromedriver on a free 127.0.0.1 port and opens a
// headless Chromium session with a fresh profile. It registers a cleanup on
// the test that quits the session, kills chromedriver (and everything it
// started) and removes the profile. On Linux chromedriver is also started
// with a parent-death signal, so it does not outlive a test binary that
// dies.
//
// When chromedriver or Chromium is not installed, Start skips the test with
// a message saying what is missing and how to install it (on Debian:
// apt-get install -y chromium chromium-driver), unless the environment
// variable CI is "true": there it fails the test, since CI must install
// them.
//
// Chromium runs with flags that keep it off the network except for the
// pages a test opens (no background networking, component updates, sync or
// QUIC), headless, without sandbox or GPU, with a phone-sized 420×860
// viewport. Its profile, caches and temp files live in one temp dir that is
// removed on cleanup. See [Option] for what can be changed.
//
// Each Start costs one Chromium (well under a second to start, a few
// hundred MB of memory), so parallel browser tests should be few. Text read
// through WebDriver does not depend on fonts, but screenshots of Chinese
// text show boxes unless a CJK font is installed (Debian: fonts-noto-cjk or
// fonts-wqy-microhei).
//
// # Commands
//
// A [Session] navigates, finds elements by CSS selector, polls for elements
// and text ([Session.WaitFor], [Session.WaitForText]), runs scripts and takes
// PNG screenshots. An [Element] clicks, receives keys ([Enter] and friends),
// and reports its text, attributes and properties.
//
// Every command has a timeout (30 s by default, see [WithCommandTimeout]).
// Errors returned by the remote end ({"value":{"error":"no such
// element",...}}) are [*Error] values carrying the WebDriver error code; use
// [IsCode] or errors.As to tell them apart.
//
// Logging of the commands sent goes through log/slog and is off unless
// [WithLogger] is given.
package webdriver
