package media

import (
	"context"

	"github.com/wxkit/mp"
)

// MassVideoRequest is the body of [Service.UploadMassVideo].
type MassVideoRequest struct {
	// MediaID is a video uploaded with [Service.Upload] (新增临时素材).
	MediaID     string `json:"media_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// MassVideo is the answer of [Service.UploadMassVideo]: the media_id of the
// mpvideo message to mass-send.
type MassVideo struct {
	Type      MediaType `json:"type"` // video
	MediaID   string    `json:"media_id"`
	CreatedAt Timestamp `json:"created_at"`
}

// UploadMassVideo turns an uploaded video into one that can be mass-sent
// (群发视频素材, POST /cgi-bin/media/uploadvideo): the media_id answered is
// the one an mpvideo mass message carries (群发 mpvideo.media_id), with the
// title and description the followers see.
func (s *Service) UploadMassVideo(ctx context.Context, req *MassVideoRequest) (*MassVideo, error) {
	const op = "media.UploadMassVideo"
	if req == nil {
		return nil, invalid(op, "", "nil request")
	}
	if err := requireID(op, "media_id", req.MediaID); err != nil {
		return nil, err
	}
	var out MassVideo
	if err := s.do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/media/uploadvideo", Body: req}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
