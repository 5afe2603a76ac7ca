package webdriver

import (
	"log/slog"
	"time"
)

// Option changes how [Start] launches the browser.
type Option func(*config)

type config struct {
	driver         string // chromedriver path; looked up when empty
	browser        string // chromium path; looked up when empty
	width, height  int
	args           []string
	commandTimeout time.Duration
	logger         *slog.Logger
}

func defaultConfig() config {
	return config{
		width:          420,
		height:         860,
		commandTimeout: 30 * time.Second,
	}
}

// WithDriver sets the chromedriver executable. The default is
// "chromedriver" from $PATH, else /usr/bin/chromedriver.
func WithDriver(path string) Option { return func(c *config) { c.driver = path } }

// WithBrowser sets the Chromium executable (goog:chromeOptions.binary). The
// default is "chromium" from $PATH, else /usr/bin/chromium.
func WithBrowser(path string) Option { return func(c *config) { c.browser = path } }

// WithWindowSize sets the size of the viewport (what a page sees as
// window.innerWidth × innerHeight, and what a screenshot shows) in CSS
// pixels. The default, 420×860, is phone-sized. Values below 1 are ignored.
//
// Chromium keeps a window at least 500 pixels wide and counts its invisible
// toolbar in the window's height, so the size is applied through device
// metrics emulation (not mobile: no touch events, no mobile user agent).
func WithWindowSize(width, height int) Option {
	return func(c *config) {
		if width > 0 && height > 0 {
			c.width, c.height = width, height
		}
	}
}

// WithArgs adds Chromium command line flags after the default ones (for
// example "--lang=zh-CN").
func WithArgs(args ...string) Option {
	return func(c *config) { c.args = append(c.args, args...) }
}

// WithCommandTimeout sets how long one command may take, including the page
// load of [Session.Navigate] and scripts. The default is 30 s. Values below
// one millisecond are ignored.
func WithCommandTimeout(d time.Duration) Option {
	return func(c *config) {
		if d >= time.Millisecond {
			c.commandTimeout = d
		}
	}
}

// WithLogger logs every command sent (method, path, HTTP status, duration)
// at debug level. Logging is off by default.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }
