package mass

import (
	"context"

	"github.com/wxkit/mp"
)

// PreviewRequest sends a message to one follower to check its layout on a
// phone (预览接口). Set exactly one of ToUser (an OpenID) and ToWxName (a
// WeChat ID, 微信号; limited to 100 calls a day).
type PreviewRequest struct {
	ToUser   string
	ToWxName string
	Message  Message
}

// PreviewResponse is the answer of [Service.Preview].
type PreviewResponse struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	MsgID   int64  `json:"msg_id"`
}

// Preview sends a preview (预览接口, POST /cgi-bin/message/mass/preview).
// Preview shows one image: an [Images] message of a single image is sent in
// preview form ({"image":{"media_id":...}}).
func (s *Service) Preview(ctx context.Context, req *PreviewRequest) (*PreviewResponse, error) {
	const op = "mass.Preview"
	if req == nil {
		return nil, &mp.ValidationError{Op: op, Reason: "nil request"}
	}
	if (req.ToUser == "") == (req.ToWxName == "") {
		return nil, &mp.ValidationError{Op: op, Field: "touser", Reason: "set exactly one of touser (OpenID) and towxname (WeChat ID)"}
	}
	m := req.Message
	if m.MsgType == TypeImage && m.Image == nil && m.Images != nil {
		if len(m.Images.MediaIDs) != 1 {
			return nil, &mp.ValidationError{Op: op, Field: "images.media_ids", Reason: "preview shows exactly one image"}
		}
		m.Image, m.Images = &MediaRef{MediaID: m.Images.MediaIDs[0]}, nil
	}
	if err := m.validate(op); err != nil {
		return nil, err
	}
	body := struct {
		ToUser   string `json:"touser,omitempty"`
		ToWxName string `json:"towxname,omitempty"`
		Message
	}{req.ToUser, req.ToWxName, m}
	var out PreviewResponse
	if err := s.do(ctx, &mp.Request{Method: "POST", Path: pathPreview, Body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
