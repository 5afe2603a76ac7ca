package mass

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
)

func TestMessageValidate(t *testing.T) {
	t.Parallel()
	twoPayloads := Text("x")
	twoPayloads.Voice = &MediaRef{MediaID: "v"}
	bothImages := Images("a")
	bothImages.Image = &MediaRef{MediaID: "b"}
	cases := []struct {
		name  string
		m     Message
		field string
	}{
		{"mpnews", MPNews("m"), ""},
		{"text", Text("t"), ""},
		{"voice", Voice("v"), ""},
		{"images", Images("a", "b"), ""},
		{"image", Image("a"), ""},
		{"mpvideo", MPVideo("v"), ""},
		{"video", Video("v", "t", "d"), ""},
		{"wxcard", WxCard("c"), ""},
		{"empty", Message{}, "msgtype"},
		{"unknown", Message{MsgType: "music", Voice: &MediaRef{MediaID: "x"}}, "msgtype"},
		{"two payloads", twoPayloads, "msgtype"},
		{"image and images", bothImages, "images"},
		{"mpnews no id", MPNews(""), "mpnews.media_id"},
		{"mpnews missing payload", Message{MsgType: TypeMPNews}, "mpnews.media_id"},
		{"text empty", Text(""), "text.content"},
		{"voice no id", Voice(""), "voice.media_id"},
		{"image no id", Image(""), "image.media_id"},
		{"images none", Images(), "images.media_ids"},
		{"images missing", Message{MsgType: TypeImage}, "images.media_ids"},
		{"images empty id", Images("a", ""), "images.media_ids[1]"},
		{"mpvideo no id", MPVideo(""), "mpvideo.media_id"},
		{"wxcard no id", WxCard(""), "wxcard.card_id"},
		{"type mismatch", Message{MsgType: TypeText, MPNews: &MediaRef{MediaID: "m"}}, "text.content"},
	}
	for _, tc := range cases {
		err := tc.m.validate("op")
		if tc.field == "" {
			assert.NoError(t, err, tc.name)
			continue
		}
		var ve *mp.ValidationError
		if assert.ErrorAs(t, err, &ve, tc.name) {
			assert.Equal(t, tc.field, ve.Field, tc.name)
		}
	}
}

func TestImageSetJSON(t *testing.T) {
	t.Parallel()
	s := ImageSet{MediaIDs: []string{"a"}, NeedOpenComment: true, OnlyFansCanComment: true}
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"media_ids":["a"],"need_open_comment":1,"only_fans_can_comment":1}`, string(b))
	var back ImageSet
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, back)

	var req struct {
		Images ImageSet `json:"images"`
	}
	require.NoError(t, json.Unmarshal(mptest.Fixture(t, "sendall_images.json"), &req))
	assert.Equal(t, ImageSet{MediaIDs: []string{"aaa", "bbb", "ccc"}, Recommend: "xxx", NeedOpenComment: true}, req.Images)
	assert.Error(t, json.Unmarshal([]byte(`{"media_ids":"a"}`), &back))
}

// FuzzDecodeAnswers feeds mass-API answers and request bodies (untrusted
// input to a simulator or a proxy) to the decoders: no panic, and a decoded
// image set re-encodes to an equal value.
func FuzzDecodeAnswers(f *testing.F) {
	for _, name := range []string{"sendall_resp.json", "preview_resp.json", "get_resp.json", "speed_get.json",
		"sendall_images.json", "send_mpvideo.json", "preview_wxcard.json"} {
		f.Add(mptest.Fixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var sr SendResponse
		_ = json.Unmarshal(data, &sr)
		var st Status
		_ = json.Unmarshal(data, &st)
		var sp Speed
		_ = json.Unmarshal(data, &sp)
		var m Message
		if json.Unmarshal(data, &m) == nil {
			_ = m.validate("fuzz")
		}
		var is ImageSet
		if json.Unmarshal(data, &is) == nil {
			b, err := json.Marshal(is)
			require.NoError(t, err)
			var back ImageSet
			require.NoError(t, json.Unmarshal(b, &back))
			require.Equal(t, is, back)
		}
	})
}
