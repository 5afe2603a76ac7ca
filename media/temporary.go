package media

import (
	"context"
	"errors"
	"io"
	"net/url"

	"github.com/wxkit/mp"
)

// TempMedia is the answer of 新增临时素材: the media_id is valid for 3 days.
type TempMedia struct {
	Type    MediaType `json:"type"`
	MediaID string    `json:"media_id"`
	// ThumbMediaID is what WeChat answers instead of media_id for a thumb
	// upload; MediaID is set to the same value so callers need not care.
	ThumbMediaID string    `json:"thumb_media_id,omitempty"`
	CreatedAt    Timestamp `json:"created_at"`
}

// Upload is 新增临时素材 (POST /cgi-bin/media/upload?type=...): it streams f
// as a temporary image, voice, video or thumb, valid for 3 days.
//
// Limits (checked before sending, or while streaming when the size is not
// known): image 10 MB png/jpeg/jpg/gif; voice 2 MB amr/mp3 and at most 60 s
// (the duration is WeChat's to check); video 10 MB mp4; thumb 64 KB jpg.
// A refused file gives an *mp.ValidationError matching ErrTooLarge,
// ErrUnsupportedFormat or ErrEmptyFile.
//
// The upload is retried on transient failures only when f.Reader can seek.
func (s *Service) Upload(ctx context.Context, typ MediaType, f File) (*TempMedia, error) {
	const op = "media.Upload"
	r, ok := tempRule(typ)
	if !ok {
		return nil, invalid(op, "type", "must be image, voice, video or thumb, got "+quote(string(typ)))
	}
	var out TempMedia
	if err := s.upload(ctx, op, "/cgi-bin/media/upload", url.Values{"type": {string(typ)}}, nil, f, r, &out); err != nil {
		return nil, err
	}
	if out.MediaID == "" {
		out.MediaID = out.ThumbMediaID
	}
	return &out, nil
}

// FileInfo describes a file streamed to the caller's writer.
type FileInfo struct {
	ContentType string
	FileName    string // from Content-Disposition, when WeChat sends it
	Written     int64  // bytes written to the writer
}

// Download is the result of [Service.Get]: either a file streamed to the
// writer (FileInfo), or, for a video, the URL to fetch it from (VideoURL,
// and nothing was written).
type Download struct {
	FileInfo
	VideoURL string `json:"video_url"`
}

// Get is 获取临时素材 (GET /cgi-bin/media/get): it streams the temporary
// media file mediaID to w without buffering it. A video is not streamed:
// WeChat answers with its download URL, returned in Download.VideoURL.
func (s *Service) Get(ctx context.Context, mediaID string, w io.Writer) (*Download, error) {
	const op = "media.Get"
	if err := requireID(op, "media_id", mediaID); err != nil {
		return nil, err
	}
	if w == nil {
		return nil, invalid(op, "w", "writer is nil")
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	const path = "/cgi-bin/media/get"
	var j struct {
		VideoURL string `json:"video_url"`
	}
	d, err := s.c.Download(ctx, &mp.Request{Method: "GET", Path: path, Query: url.Values{"media_id": {mediaID}}}, w, &j)
	if err != nil {
		return nil, err
	}
	if d.JSON {
		if j.VideoURL == "" {
			return nil, &mp.DecodeError{Method: "GET", Path: path, Err: errors.New("JSON answer without video_url")}
		}
		return &Download{VideoURL: j.VideoURL}, nil
	}
	return &Download{FileInfo: FileInfo{ContentType: d.ContentType, FileName: d.FileName, Written: d.Written}}, nil
}

// GetHDVoice is 获取高清语音素材 (GET /cgi-bin/media/get/jssdk): it streams
// the voice a user recorded with the JS-SDK uploadVoice (mediaID is its
// serverId) to w, as 16 kHz speex — clearer than the 8 kHz amr of
// [Service.Get], for speech recognition. Decode it with a speex library.
func (s *Service) GetHDVoice(ctx context.Context, mediaID string, w io.Writer) (*FileInfo, error) {
	const op = "media.GetHDVoice"
	if err := requireID(op, "media_id", mediaID); err != nil {
		return nil, err
	}
	if w == nil {
		return nil, invalid(op, "w", "writer is nil")
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	const path = "/cgi-bin/media/get/jssdk"
	d, err := s.c.Download(ctx, &mp.Request{Method: "GET", Path: path, Query: url.Values{"media_id": {mediaID}}}, w, nil)
	if err != nil {
		return nil, err
	}
	if d.JSON {
		return nil, &mp.DecodeError{Method: "GET", Path: path, Err: errors.New("JSON answer instead of the speex file")}
	}
	return &FileInfo{ContentType: d.ContentType, FileName: d.FileName, Written: d.Written}, nil
}

func quote(s string) string {
	return `"` + truncate(s, 32) + `"`
}
