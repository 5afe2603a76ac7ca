package vision_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/internal/simtest"
	"github.com/wxkit/mp/media"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/vision"
)

// TestEndToEndVision runs every 智能接口 against the simulator, by upload
// and by URL.
func TestEndToEndVision(t *testing.T) {
	t.Parallel()
	_, client := simtest.New(t, sim.Options{})
	svc := vision.New(client)
	ctx := context.Background()
	upload := func(text string) vision.Image {
		return vision.ImageFromReader("pic.png", bytes.NewReader(sim.VisionImage(text)))
	}

	codes, err := svc.QRCode(ctx, upload("https://example.com/pay?order=42"))
	require.NoError(t, err)
	require.Len(t, codes.CodeResults, 1)
	assert.Equal(t, "QR_CODE", codes.CodeResults[0].TypeName)
	assert.Equal(t, "https://example.com/pay?order=42", codes.CodeResults[0].Data)
	assert.Equal(t, vision.Size{W: 320, H: 200}, codes.ImgSize)
	pos := codes.CodeResults[0].Pos
	assert.Equal(t, pos.RightBottom.X-pos.LeftTop.X, pos.RightBottom.Y-pos.LeftTop.Y, "a square")

	none, err := svc.QRCode(ctx, vision.ImageFromURL("https://example.com/landscape.jpg"))
	require.NoError(t, err)
	assert.Empty(t, none.CodeResults)

	text, err := svc.PrintedText(ctx, upload("第一行\n第二行"))
	require.NoError(t, err)
	require.Len(t, text.Items, 2)
	assert.Equal(t, "第一行", text.Items[0].Text)
	assert.Less(t, text.Items[0].Pos.LeftTop.Y, text.Items[1].Pos.LeftTop.Y)

	plate, err := svc.PlateNumber(ctx, upload("粤B12345"))
	require.NoError(t, err)
	assert.Equal(t, "粤B12345", plate.Number)

	back, err := svc.IDCard(ctx, vision.Scan, upload("back"))
	require.NoError(t, err)
	assert.Equal(t, vision.Back, back.Type)
	assert.NotEmpty(t, back.ValidDate)
	assert.Empty(t, back.Name)
	front, err := svc.IDCard(ctx, vision.Photo, upload("front"))
	require.NoError(t, err)
	assert.Equal(t, vision.Front, front.Type)
	assert.Len(t, front.ID, 18)
	assert.NotEmpty(t, front.Name)
	assert.Contains(t, []string{"男", "女"}, front.Gender)

	// By URL: answers are stable for the same picture.
	url := vision.ImageFromURL("https://example.com/card.jpg")
	bank1, err := svc.BankCard(ctx, url)
	require.NoError(t, err)
	bank2, err := svc.BankCard(ctx, url)
	require.NoError(t, err)
	assert.Equal(t, bank1, bank2)
	assert.Len(t, bank1.Number, 16)

	vl, err := svc.VehicleLicense(ctx, url)
	require.NoError(t, err)
	assert.NotEmpty(t, vl.VIN)
	assert.Equal(t, vl.PlateNum, vl.PlateNumB)
	assert.Equal(t, vision.Size{W: 1280, H: 720}, vl.ImgSize)
	dl, err := svc.DrivingLicense(ctx, url)
	require.NoError(t, err)
	assert.Len(t, dl.IDNum, 18)
	assert.Equal(t, dl.IDNum[6:10], dl.BirthDate[:4])
	bl, err := svc.BizLicense(ctx, url)
	require.NoError(t, err)
	assert.NotEmpty(t, bl.EnterpriseName)
	assert.NotZero(t, bl.CertPosition.Pos.RightBottom.X)

	crop, err := svc.AICrop(ctx, upload("x"), 1, 2.35)
	require.NoError(t, err)
	assert.Equal(t, []vision.CropResult{{CropLeft: 60, CropTop: 0, CropRight: 259, CropBottom: 199},
		{CropLeft: 0, CropTop: 32, CropRight: 319, CropBottom: 167}}, crop.Results)
	best, err := svc.AICrop(ctx, url)
	require.NoError(t, err)
	assert.Len(t, best.Results, 1)
	square, err := svc.AICrop(ctx, url, 1) // by URL, ratios in a form of their own
	require.NoError(t, err)
	assert.Equal(t, []vision.CropResult{{CropLeft: 280, CropTop: 0, CropRight: 999, CropBottom: 719}}, square.Results)

	// 图片高清化 answers a temporary media: 获取临时素材 gives it back.
	pic := sim.VisionImage("hd")
	sr, err := svc.SuperResolution(ctx, vision.ImageFromReader("pic.png", bytes.NewReader(pic)))
	require.NoError(t, err)
	var got bytes.Buffer
	_, err = media.New(client).Get(ctx, sr.MediaID, &got)
	require.NoError(t, err)
	assert.Equal(t, pic, got.Bytes())

	// What WeChat refuses.
	_, err = svc.PlateNumber(ctx, vision.ImageFromURL("https://"))
	mptest.RequireValidation(t, err, "img_url")
}
