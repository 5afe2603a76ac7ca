// Package version holds the SDK version and the User-Agent it sends, shared
// by the root package and pay (which does not import the root package).
package version

// Version is the SDK version (semantic versioning).
const Version = "0.1.0"

// UserAgent is sent with every API call.
const UserAgent = "wxkit-mp/" + Version + " (+https://github.com/wxkit/mp)"
