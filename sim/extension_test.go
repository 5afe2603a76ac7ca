package sim

// Extension points and helpers for the families' files (see registerRoutes):
// referenced here so that staticcheck does not report them unused before a
// family uses them.
var (
	_ = registerRoutes
	_ = registerErrMsgs
	_ = (*call).failErr
	_ = (*Sim).emit
)
