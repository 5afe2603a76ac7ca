package pay_test

import (
	"context"
	"testing"

	"github.com/wxkit/mp/pay"
)

// FuzzTypedNotifications feeds arbitrary, correctly signed and encrypted
// resources to every typed accessor of part two: they return an error or a
// value, never panic.
func FuzzTypedNotifications(f *testing.F) {
	f.Add(pay.EventTransferBillFinished, `{"out_bill_no":"a","state":"SUCCESS","transfer_amount":1}`)
	f.Add(pay.EventComplaintCreate, `{"complaint_id":"1","action_type":"CREATE_COMPLAINT"}`)
	f.Add(pay.EventProfitSharingSuccess, `{"receiver":{"amount":-1}}`)
	f.Add("PROFITSHARING.X", `[]`)
	f.Add("COMPLAINT.STATE_CHANGE", `{"amount":"x"}`)
	c := notifyClient(f)
	f.Fuzz(func(t *testing.T, event, plaintext string) {
		body := notificationBody("EV-1", event, "x", plaintext)
		n, err := c.ParseNotification(context.Background(), signedHeader(loadFixtures().platKey, testPlatSerial, testNow, body), body)
		if err != nil {
			return // empty event type and the like
		}
		if string(n.Plaintext()) != plaintext {
			t.Fatal("plaintext changed")
		}
		_, _ = n.TransferBill()
		_, _ = n.Complaint()
		_, _ = n.ProfitSharing()
	})
}
