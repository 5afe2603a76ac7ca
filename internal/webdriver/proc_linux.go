package webdriver

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// procAttr starts chromedriver in its own process group, so that cleanup can
// kill it with every browser process it started, and makes the kernel kill
// it when the test binary dies.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills the process group led by pid.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }

// browserWrapper writes, in dir, a script that runs browser with a
// parent-death signal (util-linux setpriv), so that Chromium dies with
// chromedriver even when nobody is left to clean up: chromedriver does not
// arrange that itself. It returns browser unchanged when setpriv is missing
// or the script cannot be written.
func browserWrapper(dir, browser string) string {
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		return browser
	}
	script := "#!/bin/sh\nexec " + shellQuote(setpriv) + " --pdeathsig KILL -- " + shellQuote(browser) + " \"$@\"\n"
	path := filepath.Join(dir, "chromium-wrapper")
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		return browser
	}
	return path
}
