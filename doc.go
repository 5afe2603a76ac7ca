// Package mp is the shared client of the wxkit/mp SDK for WeChat Official
// Accounts (微信公众号).
//
// A [Client] holds one account's configuration (AppID, AppSecret, Token,
// EncodingAESKey), its access_token [token.Source], the HTTP transport, the
// retry policy and the logger. The family packages (message, user, oauth,
// qrcode, customer, template, media, menu, mass, jssdk) are thin: each
// declares endpoint paths and request/response types and sends every call
// through the one request helper here ([Client.Do]), which
//
//   - puts access_token in the query (fetched from the Source),
//   - encodes JSON bodies without HTML escaping (WeChat wants raw <, >, &
//     and raw UTF-8),
//   - decodes errcode/errmsg into one typed [*APIError],
//   - on an invalid or expired token (40001, 40014, 42001) invalidates that
//     token and retries the call exactly once,
//   - retries transient failures (-1 system busy, HTTP 5xx, timeouts) with
//     capped, jittered, cancellable exponential backoff,
//   - streams binary downloads to an io.Writer and multipart uploads from an
//     io.Reader, and
//   - redacts access_token, secret and other credentials from every error
//     and log line.
//
// There is no package-level mutable state: several accounts live side by
// side in one process, and their store keys are namespaced by AppID
// ("wxkit:mp:<appid>:access_token"), so they can share one Redis.
//
// The API hosts are settable ([WithBaseURL], [WithHost]) so the same code
// runs against real WeChat, a regional domain, or the local simulator.
package mp
