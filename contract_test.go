package mp_test

import (
	"github.com/wxkit/mp/customer"
	"github.com/wxkit/mp/message"
)

// Families never import each other; where one needs another it declares a
// small interface. These assertions prove the other side satisfies it.
var _ message.CustomerSender = (*customer.Service)(nil)
