// Package media is 素材管理 (media and material), 草稿箱 (drafts) and 发布能力
// (publishing) of the WeChat Official Account API.
//
//   - Temporary media (临时素材), valid for 3 days: [Service.Upload]
//     (新增临时素材), [Service.Get] (获取临时素材) and [Service.GetHDVoice]
//     (获取高清语音素材, the JS-SDK's speex voice); [Service.UploadMassVideo]
//     (群发视频, POST /cgi-bin/media/uploadvideo) makes an uploaded video
//     mass-sendable as mpvideo.
//   - Permanent material (永久素材): [Service.AddMaterial] and
//     [Service.AddVideo] (上传永久素材), [Service.UploadImage] (上传图文消息图片,
//     images for article bodies), [Service.GetMaterial] (获取永久素材),
//     [Service.DeleteMaterial] (删除永久素材), [Service.CountMaterials]
//     (获取永久素材总数) and [Service.ListMaterials] / [Service.AllMaterials]
//     (获取永久素材列表).
//   - Drafts (草稿箱): [Service.AddDraft] (新增草稿), [Service.GetDraft],
//     [Service.UpdateDraft], [Service.DeleteDraft], [Service.CountDrafts] and
//     [Service.ListDrafts] / [Service.AllDrafts]; [Service.ProductCard]
//     (获取商品卡片DOM结构) gives the DOM of a WeChat Channels shop product
//     card to insert into a draft's content.
//   - Publishing (发布能力): [Service.Publish] (发布草稿),
//     [Service.GetPublishStatus] (发布状态查询) with the [Service.WaitPublished]
//     poll helper, [Service.GetArticle] (获取已发布图文信息),
//     [Service.ListPublished] / [Service.AllPublished] (获取已发布的消息列表)
//     and [Service.DeletePublished] (删除发布文章).
//
// # Streaming
//
// Uploads read the file from any io.Reader while the multipart request is
// being sent: nothing is buffered, so a large file costs a few kilobytes of
// memory. Downloads stream to an io.Writer. When WeChat answers JSON instead
// of bytes (a temporary video's URL, a news or video material) the answer is
// decoded instead and nothing is written.
//
// # Limits
//
// Files are checked before sending against the documented limits: temporary
// image 10 MB (png/jpeg/jpg/gif), voice 2 MB (amr/mp3, at most 60 s, which
// only WeChat can check), video 10 MB (mp4), thumb 64 KB (jpg); permanent
// material the same sizes with bmp images and mp3/wma/wav/amr voices;
// article images 1 MB (jpg/png). The size comes from File.Size, Len() or
// Seek; when none is available the reader is counted while it is sent and
// the upload is stopped as soon as it passes the limit, so nothing over the
// limit reaches WeChat. A refused file is an *mp.ValidationError that also
// matches [ErrTooLarge], [ErrUnsupportedFormat] or [ErrEmptyFile]:
//
//	f, _ := os.Open("cover.jpg")
//	defer f.Close()
//	m, err := media.New(client).Upload(ctx, media.Thumb, media.File{Name: "cover.jpg", Reader: f})
//	if errors.Is(err, media.ErrTooLarge) {
//		// shrink it
//	}
//
// Articles are checked the same way before a draft is saved (title,
// content and cover required; title 32, author 16, digest 128 characters;
// content under 20000 characters and 1 MB; newspic articles 1 to 20 images).
//
// # Publishing
//
//	svc := media.New(client)
//	draft, err := svc.AddDraft(ctx, media.Article{Title: "Hello", Content: "<p>Hi</p>", ThumbMediaID: thumb})
//	if err != nil {
//		return err
//	}
//	job, err := svc.Publish(ctx, draft.MediaID)
//	if err != nil {
//		return err
//	}
//	st, err := svc.WaitPublished(ctx, job.PublishID.String(), 5*time.Second)
//	if err != nil {
//		return err // a *media.PublishError when the job failed
//	}
//	fmt.Println(st.ArticleDetail.Item[0].ArticleURL)
//
// Lists are Go iterators that fetch 20 items per call and hold one page in
// memory.
package media
