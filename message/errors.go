package message

import "errors"

// Sentinel errors. The Server logs them (with a reason) and answers with the
// HTTP status named in each comment; Parse and the reply writers return them
// (possibly wrapped, test with errors.Is). Messages never contain the Token,
// the EncodingAESKey or message content.
var (
	// ErrInvalidConfig reports a Config that cannot work: empty Token, or
	// an EncodingAESKey without an AppID or of the wrong form.
	ErrInvalidConfig = errors.New("message: invalid config")

	// ErrMethodNotAllowed: the request is neither GET nor POST (405).
	ErrMethodNotAllowed = errors.New("message: method not allowed")

	// ErrInvalidSignature: signature / msg_signature does not match (403).
	// The body is not parsed.
	ErrInvalidSignature = errors.New("message: invalid signature")

	// ErrStaleTimestamp: the timestamp query parameter is missing, not a
	// number, or outside the replay window (403).
	ErrStaleTimestamp = errors.New("message: timestamp outside the allowed window")

	// ErrBodyTooLarge: the body exceeds the configured limit (413).
	ErrBodyTooLarge = errors.New("message: request body too large")

	// ErrMalformedMessage: the XML or the ciphertext cannot be decoded (400).
	ErrMalformedMessage = errors.New("message: malformed message")

	// ErrEncryptionRequired: a plaintext push reached a Server with an
	// EncodingAESKey, created without WithAllowPlaintext (403).
	ErrEncryptionRequired = errors.New("message: plaintext push refused: encryption required")

	// ErrSignatureReused: a plaintext push came with a signature
	// (signature + timestamp + nonce) already used, within the timestamp
	// window, for a different body (403). The plaintext signature does not
	// cover the body: this is someone replaying a seen push URL with a body
	// of their own. The same body again is WeChat's retry and is accepted
	// (then deduplicated).
	ErrSignatureReused = errors.New("message: plaintext push refused: signature already used for another body")

	// ErrNoCustomerSender is what WithLateReplyFailed is given when a late
	// reply could not be delivered because no CustomerSender is configured
	// (WithLateReply).
	ErrNoCustomerSender = errors.New("message: late reply dropped: no CustomerSender configured")

	// ErrEncryptionNotConfigured: an encrypted push (encrypt_type=aes)
	// arrived but the Config has no EncodingAESKey (400).
	ErrEncryptionNotConfigured = errors.New("message: encrypted push but no EncodingAESKey configured")

	// ErrInvalidReply reports a reply that cannot be sent, such as a news
	// reply with no or too many articles.
	ErrInvalidReply = errors.New("message: invalid reply")

	// ErrFlowBusy: in a Router with flows, a message waited longer than
	// the flow lock wait (WithFlowLockWait) or its context allowed for the
	// previous message of the same user to be handled.
	ErrFlowBusy = errors.New("message: flow busy: the previous message of this user is still being handled")

	// ErrNotHandled may be returned by a flow step (FlowFunc) to let the
	// Router route the message as if the user were not in a flow.
	ErrNotHandled = errors.New("message: not handled")
)
