package vision_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/vision"
)

const picURL = "https://example.com/pic.jpg?x=1&y=2"

// calls lists every API of the package with the fixture it answers.
var calls = []struct {
	name, path, fixture string
	query               map[string]string // besides img_url
	call                func(*vision.Service, vision.Image) (any, error)
}{
	{"idcard", "/cv/ocr/idcard", "ocr_idcard_front.json", map[string]string{"type": "photo"},
		func(s *vision.Service, img vision.Image) (any, error) {
			return s.IDCard(context.Background(), vision.Photo, img)
		}},
	{"bankcard", "/cv/ocr/bankcard", "ocr_bankcard.json", nil,
		func(s *vision.Service, img vision.Image) (any, error) { return s.BankCard(context.Background(), img) }},
	{"driving", "/cv/ocr/driving", "ocr_driving.json", nil,
		func(s *vision.Service, img vision.Image) (any, error) {
			return s.VehicleLicense(context.Background(), img)
		}},
	{"drivinglicense", "/cv/ocr/drivinglicense", "ocr_drivinglicense.json", nil,
		func(s *vision.Service, img vision.Image) (any, error) {
			return s.DrivingLicense(context.Background(), img)
		}},
	{"bizlicense", "/cv/ocr/bizlicense", "ocr_bizlicense.json", nil,
		func(s *vision.Service, img vision.Image) (any, error) { return s.BizLicense(context.Background(), img) }},
	{"comm", "/cv/ocr/comm", "ocr_comm.json", nil,
		func(s *vision.Service, img vision.Image) (any, error) {
			return s.PrintedText(context.Background(), img)
		}},
	{"platenum", "/cv/ocr/platenum", "ocr_platenum.json", nil,
		func(s *vision.Service, img vision.Image) (any, error) {
			return s.PlateNumber(context.Background(), img)
		}},
	{"qrcode", "/cv/img/qrcode", "img_qrcode.json", nil,
		func(s *vision.Service, img vision.Image) (any, error) { return s.QRCode(context.Background(), img) }},
	{"superresolution", "/cv/img/superresolution", "img_superresolution.json", nil,
		func(s *vision.Service, img vision.Image) (any, error) {
			return s.SuperResolution(context.Background(), img)
		}},
	{"aicrop", "/cv/img/aicrop", "img_aicrop.json", nil,
		func(s *vision.Service, img vision.Image) (any, error) { return s.AICrop(context.Background(), img) }},
}

// TestByURL sends every API an img_url: in the query, URL-encoded, with an
// empty body.
func TestByURL(t *testing.T) {
	t.Parallel()
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			srv.Reply("POST", tt.path, tt.fixture, func(t testing.TB, r *http.Request, body []byte) {
				want := map[string]string{"img_url": picURL}
				for k, v := range tt.query {
					want[k] = v
				}
				mptest.Query(t, r, want)
				assert.Contains(t, r.URL.RawQuery, "img_url=https%3A%2F%2Fexample.com%2Fpic.jpg%3Fx%3D1%26y%3D2")
				assert.Empty(t, body)
			})
			got, err := tt.call(svc, vision.ImageFromURL(picURL))
			require.NoError(t, err)
			require.NotNil(t, got)
		})
	}
}

// TestByUpload streams the picture in the multipart field img.
func TestByUpload(t *testing.T) {
	t.Parallel()
	pic := []byte("\xff\xd8\xff\xe0 a jpeg, more or less")
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			srv.Reply("POST", tt.path, tt.fixture, func(t testing.TB, r *http.Request, body []byte) {
				want := map[string]string{}
				for k, v := range tt.query {
					want[k] = v
				}
				mptest.Query(t, r, want)
				f := readForm(t, r, body)
				assert.Equal(t, "img", f.Field)
				assert.Equal(t, "card.jpg", f.FileName)
				assert.Equal(t, "image/jpeg", f.ContentType)
				assert.Equal(t, pic, f.Data)
				assert.Empty(t, f.Fields)
			})
			got, err := tt.call(svc, vision.ImageFromReader("dir/card.jpg", bytes.NewReader(pic)))
			require.NoError(t, err)
			require.NotNil(t, got)
		})
	}
}

func TestDecodedResults(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	for _, tt := range calls {
		if tt.name == "idcard" {
			srv.Reply("POST", tt.path, "ocr_idcard_back.json", nil)
			continue
		}
		srv.Reply("POST", tt.path, tt.fixture, nil)
	}
	ctx := context.Background()
	img := vision.ImageFromURL(picURL)

	back, err := svc.IDCard(ctx, vision.Scan, img)
	require.NoError(t, err)
	assert.Equal(t, &vision.IDCard{Type: vision.Back, ValidDate: "20070105-20270105"}, back)

	bank, err := svc.BankCard(ctx, img)
	require.NoError(t, err)
	assert.Equal(t, "24234234345234", bank.Number)

	vl, err := svc.VehicleLicense(ctx, img)
	require.NoError(t, err)
	assert.Equal(t, "小型普通客车", vl.VehicleType)
	assert.Equal(t, "LJXBMCH1Xxxxxxxxxx", vl.VIN)
	assert.Equal(t, "7人", vl.PassengersNum)
	assert.Equal(t, "4582x1795x1458mm", vl.OverallSize)
	assert.Equal(t, vision.Point{X: 1884, Y: 732}, vl.CardPositionFront.Pos.RightBottom)
	assert.Equal(t, vision.Point{X: 191, Y: 302}, vl.CardPositionBack.Pos.LeftTop)
	assert.Equal(t, vision.Size{W: 1920, H: 1080}, vl.ImgSize)

	dl, err := svc.DrivingLicense(ctx, img)
	require.NoError(t, err)
	assert.Equal(t, &vision.DrivingLicense{IDNum: "660601xxxxxxxx1234", Name: "张三", Sex: "男", Nationality: "中国",
		Address: "广东省东莞市xxxxx号", BirthDate: "1990-12-21", IssueDate: "2012-12-21", CarClass: "C1",
		ValidFrom: "2018-07-06", ValidTo: "2020-07-01", OfficialSeal: "xx市公安局公安交通管理局"}, dl)

	bl, err := svc.BizLicense(ctx, img)
	require.NoError(t, err)
	assert.Equal(t, "XX饮食店", bl.EnterpriseName)
	assert.Equal(t, "200万", bl.PaidInCapital)
	assert.Equal(t, vision.Point{X: 725, Y: 157}, bl.CertPosition.Pos.RightTop)
	assert.Equal(t, vision.Size{W: 966, H: 728}, bl.ImgSize)

	text, err := svc.PrintedText(ctx, img)
	require.NoError(t, err)
	require.Len(t, text.Items, 2)
	assert.Equal(t, vision.TextItem{Text: "腾讯", Pos: vision.Pos{LeftTop: vision.Point{X: 575, Y: 519}, RightTop: vision.Point{X: 744, Y: 519},
		RightBottom: vision.Point{X: 744, Y: 532}, LeftBottom: vision.Point{X: 573, Y: 532}}}, text.Items[0])

	plate, err := svc.PlateNumber(ctx, img)
	require.NoError(t, err)
	assert.Equal(t, "粤A123456", plate.Number)

	codes, err := svc.QRCode(ctx, img)
	require.NoError(t, err)
	require.Len(t, codes.CodeResults, 4)
	assert.Equal(t, "https://www.qq.com", codes.CodeResults[0].Data)
	assert.Equal(t, vision.Point{X: 828, Y: 618}, codes.CodeResults[0].Pos.RightBottom)
	assert.Equal(t, vision.CodeResult{TypeName: "EAN_13", Data: "5906789678957"}, codes.CodeResults[2])
	assert.Equal(t, vision.Size{W: 1000, H: 900}, codes.ImgSize)

	sr, err := svc.SuperResolution(ctx, img)
	require.NoError(t, err)
	assert.Equal(t, "6WXsIXkG7lXuDLspD9xfm5dsvHzb0EFl0li6ySxi92ap8Vl3zZoD9DpOyNudeJGB", sr.MediaID)

	crop, err := svc.AICrop(ctx, img)
	require.NoError(t, err)
	assert.Equal(t, []vision.CropResult{{CropLeft: 112, CropTop: 0, CropRight: 839, CropBottom: 727},
		{CropLeft: 0, CropTop: 205, CropRight: 965, CropBottom: 615}}, crop.Results)
}

func TestIDCardFront(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	srv.Reply("POST", "/cv/ocr/idcard", "ocr_idcard_front.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{"type": "scan", "img_url": picURL})
	})
	got, err := svc.IDCard(context.Background(), vision.Scan, vision.ImageFromURL(picURL))
	require.NoError(t, err)
	assert.Equal(t, &vision.IDCard{Type: vision.Front, Name: "张三", ID: "123456789012345678", Addr: "广东省广州市",
		Gender: "男", Nationality: "汉"}, got)
}

// TestAICropRatios sends the ratios form field, with the upload and alone
// (by URL), as the documentation's curl examples do.
func TestAICropRatios(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	var withFile atomic.Bool
	srv.Reply("POST", "/cv/img/aicrop", "img_aicrop.json", func(t testing.TB, r *http.Request, body []byte) {
		f := readForm(t, r, body)
		assert.Equal(t, map[string]string{"ratios": "1,2.35"}, f.Fields)
		assert.Equal(t, withFile.Load(), f.HasFile)
	})
	_, err := svc.AICrop(context.Background(), vision.ImageFromURL(picURL), 1, 2.35)
	require.NoError(t, err)
	withFile.Store(true)
	_, err = svc.AICrop(context.Background(), vision.ImageFromReader("a.png", strings.NewReader("png")), 1, 2.35)
	require.NoError(t, err)
}

func TestAPIError(t *testing.T) {
	t.Parallel()
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, svc := newService(t)
			srv.ReplyError("POST", tt.path, 101000, "invalid image url or image url not accessible")
			got, err := tt.call(svc, vision.ImageFromURL(picURL))
			mptest.RequireAPIError(t, err, 101000)
			assert.Nil(t, nilIfTyped(got))
		})
	}
}

// nilIfTyped turns a typed nil pointer in an interface into a plain nil.
func nilIfTyped(v any) any {
	switch p := v.(type) {
	case *vision.IDCard:
		if p == nil {
			return nil
		}
	case *vision.BankCard:
		if p == nil {
			return nil
		}
	case *vision.VehicleLicense:
		if p == nil {
			return nil
		}
	case *vision.DrivingLicense:
		if p == nil {
			return nil
		}
	case *vision.BizLicense:
		if p == nil {
			return nil
		}
	case *vision.PrintedText:
		if p == nil {
			return nil
		}
	case *vision.PlateNumber:
		if p == nil {
			return nil
		}
	case *vision.QRCodeResult:
		if p == nil {
			return nil
		}
	case *vision.SuperResolutionResult:
		if p == nil {
			return nil
		}
	case *vision.AICropResult:
		if p == nil {
			return nil
		}
	}
	return v
}

func TestValidation(t *testing.T) {
	t.Parallel()
	svc := noRequests(t)
	ctx := context.Background()
	_, err := svc.IDCard(ctx, "selfie", vision.ImageFromURL(picURL))
	mptest.RequireValidation(t, err, "type")
	_, err = svc.BankCard(ctx, vision.Image{})
	mptest.RequireValidation(t, err, "img")
	_, err = svc.BankCard(ctx, vision.ImageFromURL("/relative.jpg"))
	mptest.RequireValidation(t, err, "img_url")
	_, err = svc.BankCard(ctx, vision.Image{Reader: strings.NewReader("x"), Size: -1})
	mptest.RequireValidation(t, err, "img")
	_, err = svc.AICrop(ctx, vision.ImageFromURL(picURL), 1, 2, 3, 4, 5, 6)
	mptest.RequireValidation(t, err, "ratios")
	_, err = svc.AICrop(ctx, vision.ImageFromURL(picURL), 0)
	mptest.RequireValidation(t, err, "ratios")
}

// TestSizeLimit: a picture of 2 MB or more, or an empty one, is refused
// before sending when its size is known.
func TestSizeLimit(t *testing.T) {
	t.Parallel()
	svc := noRequests(t)
	ctx := context.Background()
	_, err := svc.PlateNumber(ctx, vision.ImageFromReader("big.jpg", bytes.NewReader(make([]byte, vision.MaxImageSize))))
	assert.ErrorIs(t, err, vision.ErrTooLarge)
	mptest.RequireValidation(t, err, "img")
	_, err = svc.PlateNumber(ctx, vision.Image{Name: "big.jpg", Reader: io.LimitReader(zeros{}, 10), Size: vision.MaxImageSize + 1})
	assert.ErrorIs(t, err, vision.ErrTooLarge)
	_, err = svc.PlateNumber(ctx, vision.ImageFromReader("empty.jpg", bytes.NewReader(nil)))
	assert.ErrorIs(t, err, vision.ErrEmptyImage)

	// Just under the limit goes.
	srv, ok := newService(t)
	srv.Reply("POST", "/cv/ocr/platenum", "ocr_platenum.json", nil)
	_, err = ok.PlateNumber(ctx, vision.ImageFromReader("max.jpg", bytes.NewReader(make([]byte, vision.MaxImageSize-1))))
	require.NoError(t, err)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// unsized hides Len and Seek, so that the size is unknown until read.
type unsized struct{ r io.Reader }

func (u unsized) Read(p []byte) (int, error) { return u.r.Read(p) }

// TestSizeLimitStreaming stops an upload of unknown size at the limit: the
// server never receives 2 MB.
func TestSizeLimitStreaming(t *testing.T) {
	t.Parallel()
	srv, svc := newService(t)
	var got atomic.Int64
	srv.Handle("POST", "/cv/ocr/comm", func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		got.Store(n)
		mptest.ErrorJSON(w, 41005, "media data missing")
	})
	_, err := svc.PrintedText(context.Background(), vision.ImageFromReader("stream.jpg", unsized{io.LimitReader(zeros{}, 3<<20)}))
	require.ErrorIs(t, err, vision.ErrTooLarge)
	var ve *mp.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Less(t, got.Load(), int64(vision.MaxImageSize+4096))

	// An unknown-size picture under the limit goes through.
	srv2, svc2 := newService(t)
	srv2.Reply("POST", "/cv/ocr/comm", "ocr_comm.json", nil)
	_, err = svc2.PrintedText(context.Background(), vision.ImageFromReader("small.jpg", unsized{strings.NewReader("tiny")}))
	require.NoError(t, err)
}
