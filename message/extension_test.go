package message

// registerEvents is the extension point of new event types: referenced here
// so that staticcheck does not report it unused before a family uses it.
var _ = registerEvents
