package qrcode_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxkit/mp/qrcode"
)

func TestSceneFromEventKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		key, scene string
		ok         bool
	}{
		{"qrscene_123", "123", true}, // subscribe event by a new follower
		{"123", "123", true},         // SCAN event by a follower
		{"qrscene_test", "test", true},
		{"qrscene_qrscene_x", "qrscene_x", true}, // the prefix is removed once
		{"qrscene_", "", false},
		{"", "", false}, // subscribe without a code
		{"QRSCENE_1", "QRSCENE_1", true},
	} {
		scene, ok := qrcode.SceneFromEventKey(tt.key)
		assert.Equal(t, tt.scene, scene, tt.key)
		assert.Equal(t, tt.ok, ok, tt.key)
	}
}

// FuzzSceneFromEventKey checks SceneFromEventKey on arbitrary EventKeys: it
// never panics, ok means a non-empty scene, and the scene is what follows
// the prefix of a subscribe key or the whole SCAN key.
func FuzzSceneFromEventKey(f *testing.F) {
	for _, s := range []string{"qrscene_123", "123", "", "qrscene_", "qrscene_场景", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		scene, ok := qrcode.SceneFromEventKey(key)
		if ok != (scene != "") {
			t.Fatalf("ok=%v scene=%q", ok, scene)
		}
		if strings.HasPrefix(key, qrcode.SubscribeEventKeyPrefix) {
			if qrcode.SubscribeEventKeyPrefix+scene != key {
				t.Fatalf("subscribe key %q gave %q", key, scene)
			}
		} else if scene != key {
			t.Fatalf("SCAN key %q gave %q", key, scene)
		}
		// The subscribe and SCAN keys of one scene agree.
		if ok {
			again, ok2 := qrcode.SceneFromEventKey(qrcode.SubscribeEventKeyPrefix + scene)
			if !ok2 || again != scene {
				t.Fatalf("qrscene_%s gave %q", scene, again)
			}
		}
	})
}

func BenchmarkSceneFromEventKey(b *testing.B) {
	for b.Loop() {
		qrcode.SceneFromEventKey("qrscene_123456")
	}
}
