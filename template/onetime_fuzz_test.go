package template_test

import (
	"net/url"
	"testing"

	"github.com/wxkit/mp/template"
)

// FuzzParseOneTimeAuth parses the query a browser brings back to
// redirect_url (untrusted): nothing may panic, and what is accepted is
// consistent.
func FuzzParseOneTimeAuth(f *testing.F) {
	for _, s := range []string{
		"openid=OPENID&template_id=TEMPLATE_ID&action=confirm&scene=1000&reserved=test",
		"template_id=T&action=cancel&scene=0",
		"openid=&template_id=T&action=confirm&scene=-1",
		"action=confirm&action=cancel&scene=10000&template_id=%ff",
		"", "scene=99999999999999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		a, err := template.ParseOneTimeAuth(q)
		if err != nil {
			return
		}
		if a.Scene < 0 || a.Scene > template.MaxOneTimeScene || a.TemplateID == "" {
			t.Fatalf("accepted %+v", a)
		}
		if a.Confirmed() && a.OpenID == "" {
			t.Fatalf("confirmed without openid: %+v", a)
		}
		if a.Action != template.OneTimeConfirm && a.Action != template.OneTimeCancel {
			t.Fatalf("bad action accepted: %+v", a)
		}
	})
}
