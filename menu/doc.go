// Package menu manages an Official Account's custom menu (自定义菜单) and
// its conditional, personalised menus (个性化菜单).
//
// APIs, one method each on [Service]:
//
//   - 创建自定义菜单 POST /cgi-bin/menu/create: [Service.Create]
//   - 查询自定义菜单 GET /cgi-bin/menu/get: [Service.Get] (default and conditional menus)
//   - 查询自定义菜单信息 GET /cgi-bin/get_current_selfmenu_info: [Service.CurrentSelfMenu]
//     (the menu in use, also when it was set on the website)
//   - 删除自定义菜单 GET /cgi-bin/menu/delete: [Service.Delete]
//   - 创建个性化菜单 POST /cgi-bin/menu/addconditional: [Service.AddConditional]
//   - 删除个性化菜单 POST /cgi-bin/menu/delconditional: [Service.DeleteConditional]
//   - 测试个性化菜单匹配结果 POST /cgi-bin/menu/trymatch: [Service.TryMatch]
//
// Buttons are built with constructors named after their type ([Click],
// [View], [ScanCodePush], [ScanCodeWaitMsg], [PicSysPhoto],
// [PicPhotoOrAlbum], [PicWeixin], [LocationSelect], [Media], [ViewLimited],
// [Article], [ArticleViewLimited], [MiniProgram]) and grouped with
// [Parent]. Before anything is sent the menu is checked against the
// documented limits (1–3 top-level buttons, 1–5 sub-buttons, names of at
// most 16 bytes or 60 for sub-buttons, keys of at most 128 bytes, URLs of at
// most 1024 bytes, the fields each type requires); a violation is an
// *mp.ValidationError naming the button, e.g. "button[2].sub_button[1].url".
//
// Usage:
//
//	svc := menu.New(client) // client is a *mp.Client
//	err := svc.Create(ctx,
//		menu.Click("今日歌曲", "V1001_TODAY_MUSIC"),
//		menu.View("官网", "https://example.com/"),
//		menu.Parent("菜单",
//			menu.ScanCodePush("扫一扫", "SCAN"),
//			menu.MiniProgram("小程序", "https://example.com/", "wx286b93c14bbf93aa", "pages/index/index"),
//		),
//	)
package menu
