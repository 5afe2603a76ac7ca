package user_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/user"
)

// TestEndToEndChangeOpenID converts 230 openids of a migrated account
// (three calls), one of them malformed, against the simulator.
func TestEndToEndChangeOpenID(t *testing.T) {
	t.Parallel()
	s, client := simtest.New(t, sim.Options{})
	users := user.New(client)
	ctx := context.Background()

	// Not migrated yet: WeChat refuses the whole call.
	_, err := users.ChangeOpenID(ctx, "wxoldaccount00001", []string{"oEmYbwN-n24jxvk4Sox81qedINkQ"})
	mptest.RequireAPIError(t, err, 63178)

	s.SetMigratedFrom("wxoldaccount00001")
	ids := make([]string, 230)
	for i := range ids {
		ids[i] = fmt.Sprintf("oEmYbwN-n24jxvk4Sox81qe%05d", i)
	}
	ids[150] = "not-an-openid"
	got, err := users.ChangeOpenID(ctx, "wxoldaccount00001", ids)
	require.NoError(t, err)
	require.Len(t, got, len(ids))
	for i, r := range got {
		assert.Equal(t, ids[i], r.OriOpenID)
		if i == 150 {
			var ce *user.OpenIDChangeError
			require.ErrorAs(t, r.Err(), &ce)
			assert.Equal(t, "ori_openid error", ce.Msg)
			continue
		}
		require.NoError(t, r.Err())
		assert.Equal(t, sim.MigratedOpenID("wxoldaccount00001", ids[i]), r.NewOpenID)
	}

	_, err = users.ChangeOpenID(ctx, "wxsomeoneelse0001", ids[:1])
	mptest.RequireAPIError(t, err, 63178)
}
