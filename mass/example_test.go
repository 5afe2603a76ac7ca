package mass_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/internal/mptest"
	"github.com/wxkit/mp/mass"
)

// fakeWeChat stands in for api.weixin.qq.com: every mass send gets the next
// msg_id, and it reports how many OpenIDs each call carried.
func fakeWeChat() (*httptest.Server, *mp.Client) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			ToUser      []string `json:"touser"`
			ClientMsgID string   `json:"clientmsgid"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		id := n.Add(1)
		fmt.Printf("  %s: %d OpenIDs, clientmsgid %q\n", r.URL.Path, len(body.ToUser), body.ClientMsgID)
		_, _ = fmt.Fprintf(w, `{"errcode":0,"errmsg":"send job submission success","msg_id":%d,"msg_data_id":%d}`, 1000+id, 2000+id)
	}))
	c, err := mp.New(mp.Config{AppID: "wx1234567890abcdef"},
		mp.WithHost(srv.URL), mp.WithTokenSource(mptest.StaticToken("ACCESS_TOKEN")))
	if err != nil {
		panic(err)
	}
	return srv, c
}

func ExampleService_Send() {
	srv, client := fakeWeChat()
	defer srv.Close()

	openIDs := make([]string, 10001) // one more than a call takes
	for i := range openIDs {
		openIDs[i] = fmt.Sprintf("oOPENID%05d", i)
	}
	res, err := mass.New(client).Send(context.Background(), &mass.SendRequest{
		ToUser:      openIDs,
		Message:     mass.MPNews("123dsdajkasd231jhksad"),
		ClientMsgID: "newsletter-42",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.Chunks {
		fmt.Printf("OpenIDs %d..%d: msg_id %d\n", c.Offset, c.Offset+c.Count-1, c.MsgID)
	}
	// Output:
	//   /cgi-bin/message/mass/send: 5001 OpenIDs, clientmsgid "newsletter-42-1"
	//   /cgi-bin/message/mass/send: 5000 OpenIDs, clientmsgid "newsletter-42-2"
	// OpenIDs 0..5000: msg_id 1001
	// OpenIDs 5001..10000: msg_id 1002
}

func ExampleService_SendAll() {
	srv, client := fakeWeChat()
	defer srv.Close()

	msg := mass.Images("MEDIA_ID_1", "MEDIA_ID_2")
	msg.Images.Recommend = "本周精选"
	msg.Images.NeedOpenComment = true
	res, err := mass.New(client).SendAll(context.Background(), &mass.SendAllRequest{
		Filter:  mass.ToTag(100),
		Message: msg,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("msg_id", res.MsgID, "msg_data_id", res.MsgDataID)
	// Output:
	//   /cgi-bin/message/mass/sendall: 0 OpenIDs, clientmsgid ""
	// msg_id 1001 msg_data_id 2001
}

func ExampleImages() {
	msg := mass.Images("aaa", "bbb")
	msg.Images.Recommend = "xxx"
	msg.Images.NeedOpenComment = true
	b, _ := json.Marshal(msg)
	fmt.Println(string(b))
	// Output:
	// {"msgtype":"image","images":{"media_ids":["aaa","bbb"],"recommend":"xxx","need_open_comment":1,"only_fans_can_comment":0}}
}
