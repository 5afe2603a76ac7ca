package qrcode

import "strings"

// SubscribeEventKeyPrefix starts the EventKey of a subscribe event (关注事件)
// sent when a user follows the account by scanning a code with a scene.
const SubscribeEventKeyPrefix = "qrscene_"

// SceneFromEventKey returns the scene of a code from the EventKey of the
// event its scan pushed: "qrscene_123" (subscribe event of a new follower)
// and "123" (SCAN event of a follower) both give "123". ok is false for an
// empty scene, such as the empty EventKey of a subscribe without a code.
//
// Call it only for subscribe and SCAN events: the EventKey of other events
// (menu clicks) is not a scene. Integer scenes come back as their decimal
// string; strconv.ParseUint(scene, 10, 32) turns them back into a scene_id.
func SceneFromEventKey(eventKey string) (scene string, ok bool) {
	scene = strings.TrimPrefix(eventKey, SubscribeEventKeyPrefix)
	return scene, scene != ""
}
