// Package message is the callback server of a WeChat Official Account: it
// receives user messages and event pushes (接收普通消息 / 接收事件推送) and
// answers them with passive replies (被动回复用户消息), in plaintext,
// compatible and safe mode (消息加解密).
//
// # Server
//
// NewServer takes the Config of the account (Token, and EncodingAESKey +
// AppID for the encrypted modes) and a Handler, and returns a *Server,
// which is an http.Handler to mount on the URL configured on the platform
// (net/http, chi, gin, echo...):
//
//	srv, err := message.NewServer(message.Config{AppID: appID, Token: token, EncodingAESKey: key}, router)
//	http.Handle("/wechat", srv)
//
// For each request the Server
//
//   - verifies the signature (signature, or msg_signature in safe mode)
//     and the timestamp window BEFORE reading or parsing the body: 403
//     otherwise; bodies over the limit get 413, bodies not received within
//     the read timeout 408, undecodable ones 400, other methods than
//     GET/POST 405 (all logged at Warn through slog.Default(), or the
//     logger of WithLogger, with the reason and never a secret or the body;
//     see the sentinel errors);
//   - refuses plaintext pushes once an EncodingAESKey is configured (the
//     plaintext signature covers the token, timestamp and nonce but not the
//     body; WithAllowPlaintext accepts them during a migration), and in
//     plaintext mode refuses a signature already used, within the
//     timestamp window, for another body (ErrSignatureReused);
//   - answers the URL verification GET (验证服务器地址的有效性) by echoing echostr;
//   - decodes the push into a typed value (*Text, *Image, *Subscribe,
//     *Click, ... or *Unknown) with a small allocation-lean scanner instead
//     of encoding/xml;
//   - drops WeChat's retries of a push it already handled (消息排重) through
//     a DedupStore (in memory by default, Redis in message/redisstore),
//     answering them "success": by MsgId (events with a MsgID too, such as
//     TEMPLATESENDJOBFINISH), else by sender, CreateTime and event;
//   - runs the Handler and writes its Reply as XML, encrypted and signed in
//     safe mode, or "success" for a nil reply.
//
// WeChat waits 5 seconds for the answer. If the handler has not returned
// after the reply deadline (4.5 s by default), the Server answers "success"
// at once and, when the handler finishes, delivers its reply through the
// customer-service API (客服消息) of the CustomerSender given to
// WithLateReply (the customer package's *customer.Service); a failed
// delivery is logged and reported to WithLateReplyFailed. A handler error
// or panic is logged at Warn and answered "success": WeChat's retries are
// then dropped as duplicates, unless WithRetryOnError (for idempotent
// handlers) answers 500 and forgets the push so that the retry runs the
// handler again.
//
// # Router and flows
//
// Router is a Handler that dispatches by message type, event, event key
// (exact or prefix) and text keyword (exact, prefix, regexp), with a
// default and middleware (Recovery, Logging, Metrics). Flows are
// multi-step conversations: a handler starts a flow for the user, whose
// next messages go to the flow's step function until it ends or expires;
// the state lives in a FlowStore (in memory by default, Redis in
// message/redisstore). The messages of one user are handled one at a
// time, in process and, with redisstore's FlowStore, across processes, so
// that each step sees the state the previous one left.
//
//	r := message.NewRouter()
//	billing := r.Flow("billing", func(ctx context.Context, s *message.Session, m message.Message) (message.Reply, error) {
//		switch text(m) {
//		case "1":
//			s.End()
//			return message.TextReply{Content: "Your balance is 42.00"}, nil
//		case "2":
//			s.Next("month")
//			return message.TextReply{Content: "Which month?"}, nil
//		}
//		return message.TextReply{Content: "Reply 1 for balance, 2 for bill"}, nil
//	})
//	r.Keyword("account", func(ctx context.Context, m message.Message) (message.Reply, error) {
//		return message.TextReply{Content: "Reply 1 for balance, 2 for bill"}, billing.Start(ctx, m, "menu")
//	})
//
// The package does not depend on the rest of the SDK other than crypto.
package message
