package vision

import (
	"context"
	"strconv"
	"strings"

	"github.com/wxkit/mp"
)

// MaxCropRatios is the number of aspect ratios [Service.AICrop] takes.
const MaxCropRatios = 5

// CodeResult is one code found in a picture.
type CodeResult struct {
	// TypeName is the symbology: QR_CODE, DATA_MATRIX, PDF_417, or a bar
	// code such as EAN_13 or CODE_128.
	TypeName string `json:"type_name"`
	Data     string `json:"data"`
	// Pos is the code's corners; WeChat gives it for QR codes and Data
	// Matrix only (zero for bar codes and PDF417).
	Pos Pos `json:"pos"`
}

// QRCodeResult is the answer of 二维码/条码识别.
type QRCodeResult struct {
	CodeResults []CodeResult `json:"code_results"`
	ImgSize     Size         `json:"img_size"`
}

// QRCode decodes the QR codes, bar codes, Data Matrix and PDF417 codes of a
// picture (二维码/条码识别, POST /cv/img/qrcode).
func (s *Service) QRCode(ctx context.Context, img Image) (*QRCodeResult, error) {
	var out QRCodeResult
	if err := s.call(ctx, "vision.QRCode", "/cv/img/qrcode", nil, nil, img, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SuperResolutionResult is the answer of 图片高清化.
type SuperResolutionResult struct {
	// MediaID is the enhanced picture, a temporary media: fetch it with
	// 获取临时素材 (media.Service.Get).
	MediaID string `json:"media_id"`
}

// SuperResolution enhances a picture (图片高清化, POST
// /cv/img/superresolution); the result is a temporary media.
func (s *Service) SuperResolution(ctx context.Context, img Image) (*SuperResolutionResult, error) {
	var out SuperResolutionResult
	if err := s.call(ctx, "vision.SuperResolution", "/cv/img/superresolution", nil, nil, img, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CropResult is one crop of [Service.AICrop]: the corners of the kept
// rectangle, in pixels.
type CropResult struct {
	CropLeft   int `json:"crop_left"`
	CropTop    int `json:"crop_top"`
	CropRight  int `json:"crop_right"`
	CropBottom int `json:"crop_bottom"`
}

// AICropResult is the answer of 图片智能裁剪.
type AICropResult struct {
	Results []CropResult `json:"results"`
	ImgSize Size         `json:"img_size"`
}

// AICrop finds the best crops of a picture (图片智能裁剪, POST
// /cv/img/aicrop): one per aspect ratio (width/height, e.g. 1 and 2.35; at
// most 5), or the best ratio when none is given.
func (s *Service) AICrop(ctx context.Context, img Image, ratios ...float64) (*AICropResult, error) {
	const op = "vision.AICrop"
	if len(ratios) > MaxCropRatios {
		return nil, invalid(op, "ratios", strconv.Itoa(len(ratios))+" ratios, the limit is 5")
	}
	var fields []mp.FormField
	if len(ratios) > 0 {
		parts := make([]string, len(ratios))
		for i, r := range ratios {
			if !(r > 0) || r > 1e6 {
				return nil, invalid(op, "ratios", "each ratio must be a positive width/height, got "+strconv.FormatFloat(r, 'g', -1, 64))
			}
			parts[i] = strconv.FormatFloat(r, 'f', -1, 64)
		}
		fields = []mp.FormField{{Name: "ratios", Value: strings.Join(parts, ",")}}
	}
	var out AICropResult
	if err := s.call(ctx, op, "/cv/img/aicrop", nil, fields, img, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
