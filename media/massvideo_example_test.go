package media_test

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/wxkit/mp/media"
)

// ExampleService_UploadMassVideo makes an uploaded video mass-sendable.
func ExampleService_UploadMassVideo() {
	client, stop := fakeWeChat(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"type":"video","media_id":"MASS_VIDEO_ID","created_at":1398848981}`)
	})
	defer stop()

	v, err := media.New(client).UploadMassVideo(context.Background(), &media.MassVideoRequest{
		MediaID: "UPLOADED_VIDEO_ID", Title: "发布会", Description: "完整视频"})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(v.Type, v.MediaID) // send it as mpvideo.media_id of a mass message
	// Output: video MASS_VIDEO_ID
}

// ExampleService_ProductCard gets the DOM of a product card to insert into
// a draft's content.
func ExampleService_ProductCard() {
	client, stop := fakeWeChat(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","product_key":"KEY","DOM":"<mp-common-product data-productkey=\"KEY\"></mp-common-product>"}`)
	})
	defer stop()

	card, err := media.New(client).ProductCard(context.Background(), &media.ProductCardRequest{
		ProductID: "1000000000", ArticleType: media.CardInNews, CardType: media.CardSmall})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(card.ProductKey, card.DOM)
	// Output: KEY <mp-common-product data-productkey="KEY"></mp-common-product>
}
