package mp

import "github.com/wxkit/mp/internal/version"

// Version is the version of this SDK. It is sent in the User-Agent of every
// API call: "wxkit-mp/<Version> (+https://github.com/wxkit/mp)".
const Version = version.Version

// UserAgent is the User-Agent header of every API call of a Client (and of
// a pay.Client).
const UserAgent = version.UserAgent
