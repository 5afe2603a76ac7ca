package qrcode_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/message"
	"github.com/wxkit/mp/qrcode"
	"github.com/wxkit/mp/sim"
)

// TestEndToEndSceneRoundTrip is the scene round trip: we create temporary
// QR codes with a string and a numeric scene; a new user follows by
// scanning one (subscribe event with EventKey qrscene_<scene>), an existing
// follower scans another (SCAN event); our callback server maps the event
// back to the scene and answers for it. The code's image downloads as a
// picture.
func TestEndToEndSceneRoundTrip(t *testing.T) {
	t.Parallel()
	for _, safe := range []bool{false, true} {
		name := "plaintext"
		if safe {
			name = "safe"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, client := simtest.New(t, sim.Options{SafeMode: safe})
			acct := s.Account()
			qr := qrcode.New(client)
			ctx := context.Background()

			poster, err := qr.CreateTemporaryStr(ctx, "poster-42", 10*time.Minute)
			require.NoError(t, err)
			assert.NotEmpty(t, poster.Ticket)
			assert.Equal(t, 600, poster.ExpireSeconds)
			assert.NotEmpty(t, poster.URL)
			numeric, err := qr.CreateTemporary(ctx, 4200042, time.Hour)
			require.NoError(t, err)
			assert.Equal(t, 3600, numeric.ExpireSeconds)
			assert.NotEqual(t, poster.Ticket, numeric.Ticket)

			// Our bot: maps the scene of subscribe and SCAN events back to
			// the campaign it stands for.
			campaigns := map[string]string{"poster-42": "海报 42"}
			stores := map[uint64]string{4200042: "门店 #42"}
			var mu sync.Mutex
			var tickets []string
			answer := func(kind, scene, ticket string) (message.Reply, error) {
				mu.Lock()
				tickets = append(tickets, ticket)
				mu.Unlock()
				if c, ok := campaigns[scene]; ok {
					return message.TextReply{Content: kind + " via " + c}, nil
				}
				// Numeric scenes come back as the decimal scene_id.
				if id, err := strconv.ParseUint(scene, 10, 32); err == nil && stores[id] != "" {
					return message.TextReply{Content: kind + " via " + stores[id]}, nil
				}
				return message.TextReply{Content: kind + " without a campaign"}, nil
			}
			r := message.NewRouter()
			r.Event(message.EventSubscribe, func(_ context.Context, m message.Message) (message.Reply, error) {
				sub := m.(*message.Subscribe)
				scene, ok := qrcode.SceneFromEventKey(sub.EventKey)
				assert.Equal(t, sub.Scene(), scene)
				assert.Equal(t, ok, scene != "")
				return answer("welcome", sub.Scene(), sub.Ticket)
			})
			r.Event(message.EventScan, func(_ context.Context, m message.Message) (message.Reply, error) {
				scan := m.(*message.Scan)
				scene, _ := qrcode.SceneFromEventKey(scan.EventKey)
				assert.Equal(t, scan.Scene(), scene)
				return answer("scanned", scan.Scene(), scan.Ticket)
			})
			cfg := message.Config{AppID: acct.AppID, Token: acct.Token}
			if safe {
				cfg.EncodingAESKey = acct.EncodingAESKey
			}
			srv, err := message.NewServer(cfg, r)
			require.NoError(t, err)
			hs := httptest.NewServer(srv)
			t.Cleanup(hs.Close)
			s.SetCallbackURL(hs.URL)

			// A new user follows through the poster's code.
			carol := s.NewUser("Carol")
			reply, err := carol.FollowViaQR(ctx, poster.Ticket)
			require.NoError(t, err)
			require.NotNil(t, reply)
			assert.Equal(t, "welcome via 海报 42", reply.Content)

			// Another through the numeric code, found by its scene.
			dave := s.NewUser("Dave")
			reply, err = dave.FollowViaQR(ctx, "4200042")
			require.NoError(t, err)
			require.NotNil(t, reply)
			assert.Equal(t, "welcome via 门店 #42", reply.Content)

			// A plain follow has no scene.
			erin := s.NewUser("Erin")
			reply, err = erin.Follow(ctx)
			require.NoError(t, err)
			require.NotNil(t, reply)
			assert.Equal(t, "welcome without a campaign", reply.Content)

			// Existing followers scan: SCAN events.
			reply, err = erin.Scan(ctx, poster.Ticket)
			require.NoError(t, err)
			require.NotNil(t, reply)
			assert.Equal(t, "scanned via 海报 42", reply.Content)
			reply, err = carol.Scan(ctx, numeric.Ticket)
			require.NoError(t, err)
			require.NotNil(t, reply)
			assert.Equal(t, "scanned via 门店 #42", reply.Content)

			mu.Lock()
			assert.Equal(t, []string{poster.Ticket, numeric.Ticket, "", poster.Ticket, numeric.Ticket}, tickets,
				"every QR event carries the code's ticket")
			mu.Unlock()

			// The image of the code, streamed through qrcode.Download.
			var img bytes.Buffer
			d, err := qr.Download(ctx, poster.Ticket, &img)
			require.NoError(t, err)
			assert.EqualValues(t, img.Len(), d.Written)
			assert.Contains(t, d.ContentType, "image/")
			cfgImg, err := png.DecodeConfig(bytes.NewReader(img.Bytes()))
			require.NoError(t, err, "the simulator serves a PNG")
			assert.Positive(t, cfgImg.Width)
			assert.Contains(t, qr.ImageURL(poster.Ticket), s.URL+"/cgi-bin/showqrcode?ticket=")

			// An unknown ticket is an error, not an image.
			_, err = qr.Download(ctx, "gQunknown", &bytes.Buffer{})
			require.Error(t, err)

			// Permanent codes: the same scene gives the same ticket.
			p1, err := qr.CreatePermanentStr(ctx, "shop-entrance")
			require.NoError(t, err)
			p2, err := qr.CreatePermanentStr(ctx, "shop-entrance")
			require.NoError(t, err)
			assert.Equal(t, p1.Ticket, p2.Ticket)
			assert.Zero(t, p1.ExpireSeconds)

			// Short keys (短key) round trip.
			key, err := qr.GenShortKey(ctx, `{"poster":42}`, time.Hour)
			require.NoError(t, err)
			long, err := qr.FetchShortKey(ctx, key)
			require.NoError(t, err)
			assert.Equal(t, `{"poster":42}`, long.LongData)

			// Our validation refuses an out-of-range scene before sending.
			_, err = qr.CreatePermanent(ctx, qrcode.MaxPermanentSceneID+1)
			var ve *mp.ValidationError
			assert.True(t, errors.As(err, &ve), "%v", err)
		})
	}
}
