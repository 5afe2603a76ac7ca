package paysim

// v2Comm is kept for the APIv2 families: referenced here so that
// staticcheck does not report it unused before one uses it.
var _ = v2Comm
