package vision_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/vision"
)

// Example decodes a QR code from an uploaded picture (here one the
// simulator made, which carries its content).
func Example() {
	s, err := sim.Start(sim.Options{}) // in production: no simulator, no WithHost
	if err != nil {
		panic(err)
	}
	defer s.Close()
	acct := s.Account()
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	if err != nil {
		panic(err)
	}
	svc := vision.New(client)
	ctx := context.Background()

	pic := sim.VisionImage("https://example.com/pay?order=42") // os.Open("code.png") in production
	res, err := svc.QRCode(ctx, vision.ImageFromReader("code.png", bytes.NewReader(pic)))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, c := range res.CodeResults {
		fmt.Println(c.TypeName, c.Data)
	}
	fmt.Println(res.ImgSize.W, "x", res.ImgSize.H)

	// A picture of 2 MB or more is refused before it is sent.
	_, err = svc.PlateNumber(ctx, vision.ImageFromReader("big.jpg", bytes.NewReader(make([]byte, 3<<20))))
	fmt.Println(err != nil)
	// Output:
	// QR_CODE https://example.com/pay?order=42
	// 320 x 200
	// true
}

// ExampleService_IDCard reads an ID card from a picture WeChat downloads.
func ExampleService_IDCard() {
	s, err := sim.Start(sim.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	acct := s.Account()
	client, err := mp.New(mp.Config{AppID: acct.AppID, AppSecret: acct.AppSecret}, mp.WithHost(s.URL))
	if err != nil {
		panic(err)
	}

	card, err := vision.New(client).IDCard(context.Background(), vision.Photo,
		vision.ImageFromURL("https://example.com/idcard-front.jpg"))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(card.Type == vision.Front || card.Type == vision.Back)
	// Output: true
}
