//go:build !linux

package webdriver

import "syscall"

func procAttr() *syscall.SysProcAttr { return nil }

func killGroup(int) {}

func browserWrapper(_, browser string) string { return browser }
