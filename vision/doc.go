// Package vision is 智能接口 of the WeChat Official Account API: OCR
// (OCR识别) of ID cards, bank cards, vehicle and driving licences, business
// licences, printed text and number plates, and image processing (图像处理):
// QR/bar-code decoding, super-resolution and smart cropping.
//
// Every call takes the picture either by URL (img_url: WeChat downloads it)
// or as an upload streamed from an io.Reader in the multipart field "img",
// never buffered. Pictures must be smaller than 2 MB: a size known in
// advance (Image.Size, Len() or Seek) is checked before sending, an unknown
// one is counted while it is sent and the upload is stopped at the limit.
// A refused picture is an *mp.ValidationError matching [ErrTooLarge] or
// [ErrEmptyImage].
//
//	ocr := vision.New(client)
//	card, err := ocr.IDCard(ctx, vision.Photo, vision.ImageFromURL("https://example.com/front.jpg"))
//	f, _ := os.Open("plate.jpg")
//	plate, err := ocr.PlateNumber(ctx, vision.ImageFromReader("plate.jpg", f))
//
// The APIs:
//
//   - 身份证OCR识别 POST /cv/ocr/idcard: [Service.IDCard]
//   - 银行卡OCR识别 POST /cv/ocr/bankcard: [Service.BankCard]
//   - 行驶证OCR识别 POST /cv/ocr/driving: [Service.VehicleLicense]
//   - 驾驶证OCR识别 POST /cv/ocr/drivinglicense: [Service.DrivingLicense]
//   - 营业执照OCR识别 POST /cv/ocr/bizlicense: [Service.BizLicense]
//   - 通用印刷体OCR识别 POST /cv/ocr/comm: [Service.PrintedText]
//   - 车牌号OCR识别 POST /cv/ocr/platenum: [Service.PlateNumber]
//   - 二维码/条码识别 POST /cv/img/qrcode: [Service.QRCode]
//   - 图片高清化 POST /cv/img/superresolution: [Service.SuperResolution]
//   - 图片智能裁剪 POST /cv/img/aicrop: [Service.AICrop]
package vision
