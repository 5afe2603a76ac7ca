package wxtest_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wxkit/mp/sim"
	"github.com/wxkit/mp/wxtest"
)

// The simulator with the followers pushing to an existing handler in memory,
// set up by hand.
func ExampleHandlerClient() {
	mux := http.NewServeMux()
	mux.HandleFunc("/wechat", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // URL verification; a real bot (message.Server) checks the signature first
			fmt.Fprint(w, r.URL.Query().Get("echostr"))
			return
		}
		fmt.Fprint(w, "success")
	})
	s := sim.New(sim.Options{CallbackURL: "http://bot.invalid/wechat", HTTPClient: wxtest.HandlerClient(mux)})
	defer s.Close()
	alice := s.NewUser("Alice")
	if _, err := alice.Follow(context.Background()); err != nil {
		fmt.Println(err)
	}
	reply, err := alice.SendText(context.Background(), "hi")
	fmt.Println(reply == nil, err)
	// Output: true <nil>
}
