package mp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
)

// leakyAnswers are credential answers that fail to decode: a field of an
// unexpected type next to the token, a numeric token (encoding/json quotes
// number literals in its errors), a proxy's truncation.
var leakyAnswers = []struct{ name, body, secret string }{
	{"wrong expires_in type", `{"access_token":"SECRET_TOKEN_0123456789","expires_in":"7200"}`, "SECRET_TOKEN_0123456789"},
	{"numeric token", `{"access_token":98765432109876543,"expires_in":7200}`, "98765432109876543"},
	{"truncated", `{"expires_in":7200,"access_token":"SECRET_TOKEN_0123456789`, "SECRET_TOKEN_0123456789"},
	{"nested", `{"access_token":{"v":"SECRET_TOKEN_0123456789"},"expires_in":7200}`, "SECRET_TOKEN_0123456789"},
}

// TestTokenDecodeErrorsHideTheToken: neither the error of a failed fetch
// nor any log line quotes the access_token of an answer that did not
// decode, for both token endpoints.
func TestTokenDecodeErrorsHideTheToken(t *testing.T) {
	t.Parallel()
	for _, classic := range []bool{false, true} {
		for _, a := range leakyAnswers {
			t.Run(fmt.Sprintf("classic=%t/%s", classic, a.name), func(t *testing.T) {
				t.Parallel()
				f := newFake(t)
				f.tokenFail = func(w http.ResponseWriter) bool { io.WriteString(w, a.body); return true }
				var logs bytes.Buffer
				opts := []mp.Option{mp.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}
				if classic {
					opts = append(opts, mp.WithClassicToken())
				}
				c := f.client(t, opts...)
				_, err := c.AccessToken(context.Background())
				require.Error(t, err)
				var de *mp.DecodeError
				require.True(t, errors.As(err, &de), "%T %v", err, err)
				assert.NotContains(t, err.Error(), a.secret)
				assert.NotContains(t, de.Body, a.secret)
				assert.NotContains(t, fmt.Sprintf("%+v", err), a.secret)
				assert.NotContains(t, logs.String(), a.secret)
				assert.NotContains(t, err.Error(), secret)
			})
		}
	}
}
