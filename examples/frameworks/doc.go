// Package frameworks holds the mounting snippets of wxkit/mp for chi, gin
// and echo, compiled and tested by CI so they never rot. It is a module of
// its own (with `replace github.com/wxkit/mp => ../..`) so that the routers
// never become dependencies of github.com/wxkit/mp; the net/http snippets
// are Example functions of the root package.
//
// Each sub-package mounts the same three things (built by package site):
//
//   - the callback server (message.Server) at /wechat, for GET (URL
//     verification) and POST (pushes);
//   - web authorization (oauth.Middleware): its callback at
//     mw.CallbackPath(), mounted explicitly, and a page behind it;
//   - WeChat Pay notifications (pay.NewNotifyHandler) at /pay/notify.
package frameworks
