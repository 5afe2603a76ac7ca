package media

import (
	"context"
	"errors"
	"io"
	"iter"
	"net/url"

	"github.com/wxkit/mp"
)

// AddedMaterial is the answer of 上传永久素材.
type AddedMaterial struct {
	MediaID string `json:"media_id"`
	URL     string `json:"url"` // images only: usable on Tencent domains
}

// AddMaterial is 上传永久素材 (POST /cgi-bin/material/add_material?type=...)
// for an image, voice or thumb; use [Service.AddVideo] for a video. The
// file is streamed.
//
// Limits (checked before or while sending): image 10 MB
// bmp/png/jpeg/jpg/gif; voice 2 MB mp3/wma/wav/amr and at most 60 s; thumb
// 64 KB jpg. The library holds at most 100000 images and 1000 of each other
// type.
func (s *Service) AddMaterial(ctx context.Context, typ MediaType, f File) (*AddedMaterial, error) {
	const op = "media.AddMaterial"
	if typ == Video {
		return nil, invalid(op, "type", "use AddVideo for a video: it needs a description")
	}
	r, ok := permanentRule(typ)
	if !ok {
		return nil, invalid(op, "type", "must be image, voice or thumb, got "+quote(string(typ)))
	}
	var out AddedMaterial
	if err := s.upload(ctx, op, "/cgi-bin/material/add_material", url.Values{"type": {string(typ)}}, nil, f, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// VideoDescription is the description form field of a video material.
type VideoDescription struct {
	Title        string `json:"title"`
	Introduction string `json:"introduction"`
}

// AddVideo is 上传永久素材 for a video (mp4, at most 10 MB): the file is
// streamed with the description form field {"title","introduction"}.
func (s *Service) AddVideo(ctx context.Context, f File, desc VideoDescription) (*AddedMaterial, error) {
	r, _ := permanentRule(Video)
	return s.addVideo(ctx, "media.AddVideo", f, desc, r)
}

func (s *Service) addVideo(ctx context.Context, op string, f File, desc VideoDescription, r rule) (*AddedMaterial, error) {
	d, err := mp.MarshalJSON(desc)
	if err != nil {
		return nil, err
	}
	var out AddedMaterial
	fields := []mp.FormField{{Name: "description", Value: string(d)}}
	if err := s.upload(ctx, op, "/cgi-bin/material/add_material", url.Values{"type": {string(Video)}}, fields, f, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ArticleImage is the answer of 上传图文消息图片.
type ArticleImage struct {
	URL string `json:"url"`
}

// UploadImage is 上传图文消息图片 (POST /cgi-bin/media/uploadimg): it
// streams an image for use inside an article's content (WeChat filters
// images from other hosts) and returns its URL. Only jpg/png under 1 MB;
// it does not count against the material library's quota.
func (s *Service) UploadImage(ctx context.Context, f File) (*ArticleImage, error) {
	var out ArticleImage
	if err := s.upload(ctx, "media.UploadImage", "/cgi-bin/media/uploadimg", nil, nil, f, articleImageRule, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Material is the answer of 获取永久素材, which depends on the material's
// type: NewsItem for a news material, Title/Description/DownURL for a
// video, and for other types (image, voice, thumb) the bytes themselves,
// streamed to the writer and described by File.
type Material struct {
	NewsItem    []Article `json:"news_item,omitempty"`
	Title       string    `json:"title,omitempty"`
	Description string    `json:"description,omitempty"`
	DownURL     string    `json:"down_url,omitempty"`
	// File is set when the material's bytes were written to the writer.
	File *FileInfo `json:"-"`
}

// errNilWriter is what writing a file material to a nil writer gives.
var errNilWriter = errors.New("the material is a file but the writer is nil")

type nilWriter struct{}

func (nilWriter) Write([]byte) (int, error) { return 0, errNilWriter }

// GetMaterial is 获取永久素材 (POST /cgi-bin/material/get_material). News and
// video materials are answered as JSON and decoded; any other material is
// streamed to w without buffering (w may be nil when the caller knows the
// material is news or video).
func (s *Service) GetMaterial(ctx context.Context, mediaID string, w io.Writer) (*Material, error) {
	const op = "media.GetMaterial"
	if err := requireID(op, "media_id", mediaID); err != nil {
		return nil, err
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	if w == nil {
		w = nilWriter{}
	}
	var m Material
	d, err := s.c.Download(ctx, &mp.Request{
		Method: "POST", Path: "/cgi-bin/material/get_material",
		Body: mediaIDBody{MediaID: mediaID}, Idempotent: true,
	}, w, &m)
	if err != nil {
		return nil, err
	}
	if !d.JSON {
		m.File = &FileInfo{ContentType: d.ContentType, FileName: d.FileName, Written: d.Written}
	}
	return &m, nil
}

type mediaIDBody struct {
	MediaID string `json:"media_id"`
}

// DeleteMaterial is 删除永久素材 (POST /cgi-bin/material/del_material). It
// cannot be undone; temporary media cannot be deleted.
func (s *Service) DeleteMaterial(ctx context.Context, mediaID string) error {
	const op = "media.DeleteMaterial"
	if err := requireID(op, "media_id", mediaID); err != nil {
		return err
	}
	return s.do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/material/del_material", Body: mediaIDBody{MediaID: mediaID}}, nil)
}

// MaterialCount is the answer of 获取永久素材总数.
type MaterialCount struct {
	VoiceCount int `json:"voice_count"`
	VideoCount int `json:"video_count"`
	ImageCount int `json:"image_count"`
	NewsCount  int `json:"news_count"`
}

// CountMaterials is 获取永久素材总数 (GET /cgi-bin/material/get_materialcount).
func (s *Service) CountMaterials(ctx context.Context) (*MaterialCount, error) {
	var out MaterialCount
	if err := s.do(ctx, &mp.Request{Method: "GET", Path: "/cgi-bin/material/get_materialcount"}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// MaterialList is one page of 获取永久素材列表.
type MaterialList struct {
	TotalCount int            `json:"total_count"`
	ItemCount  int            `json:"item_count"`
	Item       []MaterialItem `json:"item"`
}

// MaterialItem is one material of a list: Content for news, Name and URL
// for the other types.
type MaterialItem struct {
	MediaID    string       `json:"media_id"`
	Content    *NewsContent `json:"content,omitempty"`
	UpdateTime Timestamp    `json:"update_time"`
	Name       string       `json:"name,omitempty"`
	URL        string       `json:"url,omitempty"`
}

// NewsContent holds the articles of a news material, draft or publication.
type NewsContent struct {
	NewsItem []Article `json:"news_item"`
}

type materialListRequest struct {
	Type   MediaType `json:"type"`
	Offset int       `json:"offset"`
	Count  int       `json:"count"`
}

// ListMaterials is 获取永久素材列表 (POST /cgi-bin/material/batchget_material):
// count (1 to 20) materials of type typ (image, video, voice or news)
// starting at offset. Temporary media are not listed.
func (s *Service) ListMaterials(ctx context.Context, typ MediaType, offset, count int) (*MaterialList, error) {
	const op = "media.ListMaterials"
	switch typ {
	case Image, Video, Voice, News:
	default:
		return nil, invalid(op, "type", "must be image, video, voice or news, got "+quote(string(typ)))
	}
	if err := checkPage(op, offset, count); err != nil {
		return nil, err
	}
	var out MaterialList
	err := s.do(ctx, &mp.Request{
		Method: "POST", Path: "/cgi-bin/material/batchget_material",
		Body: materialListRequest{Type: typ, Offset: offset, Count: count}, Idempotent: true,
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AllMaterials walks every material of type typ, 20 per call, holding one
// page in memory. It stops when the consumer breaks and yields an error
// once, then stops.
func (s *Service) AllMaterials(ctx context.Context, typ MediaType) iter.Seq2[MaterialItem, error] {
	return paginate(func(offset int) ([]MaterialItem, int, error) {
		l, err := s.ListMaterials(ctx, typ, offset, MaxPageSize)
		if err != nil {
			return nil, 0, err
		}
		return l.Item, l.TotalCount, nil
	})
}
