// Package qrcode is 生成带参数的二维码 (QR codes with a scene value) and
// 短key托管 (short keys) of the WeChat Official Account API.
//
// A QR code carries a scene: an integer scene_id or a string scene_str.
// Temporary codes (临时二维码: QR_SCENE, QR_STR_SCENE) expire after at most
// 30 days and are unlimited in number; permanent codes (永久二维码:
// QR_LIMIT_SCENE, QR_LIMIT_STR_SCENE) never expire but an account has at most
// 100,000 of them. Creating a code returns a ticket; the image is served by
// mp.weixin.qq.com/cgi-bin/showqrcode?ticket=TICKET without an access_token
// ([Service.ImageURL], [Service.Download]).
//
// When a user scans a code, WeChat pushes an event to the callback URL:
//
//   - a user who does not follow the account yet follows it, and the
//     subscribe event (关注事件) carries EventKey "qrscene_" + scene, for
//     example "qrscene_123";
//   - a follower gets a SCAN event (扫描带参数二维码事件) whose EventKey is the
//     scene itself, "123".
//
// [SceneFromEventKey] turns either EventKey back into the scene.
//
//	codes := qrcode.New(client)
//	t, err := codes.CreateTemporaryStr(ctx, "invite:42", 7*24*time.Hour)
//	if err != nil {
//		return err
//	}
//	fmt.Println(codes.ImageURL(t.Ticket)) // or codes.Download(ctx, t.Ticket, w)
//
// Input that breaks a documented limit (a permanent scene_id over 100000, a
// scene_str over 64 characters, an expiry over 30 days) is refused with
// *mp.ValidationError before anything is sent.
package qrcode
