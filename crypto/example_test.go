package crypto_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wxkit/mp/crypto"
)

// The URL verification request of the official docs (消息推送 接入指引):
// Token "AAAAA", GET ?signature=f464b2...&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492.
func ExampleSignature() {
	fmt.Println(crypto.Signature("AAAAA", "1714036504", "1514711492"))
	fmt.Println(crypto.CheckSignature("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696"))
	// Output:
	// f464b24fc39322e44b38aa78f5edd27bd1441696
	// true
}

// A safe-mode round trip: the platform side seals a push, the account side
// opens it. WithRandom makes the ciphertext deterministic for the example;
// production code uses the default crypto/rand source.
func ExampleEnvelope() {
	env, err := crypto.NewEnvelope("pamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6",
		crypto.WithRandom(strings.NewReader("aaaabbbbccccdddd")))
	if err != nil {
		panic(err)
	}
	sealed, err := env.Seal([]byte("我是中文abcd123"), "1409304348", "xxxxxx")
	if err != nil {
		panic(err)
	}
	fmt.Println(string(sealed))

	// The callback handler receives msg_signature, timestamp and nonce in
	// the query string and the XML in the body.
	enc, _ := crypto.ExtractEncrypt(sealed)
	msgSignature := crypto.MsgSignature("pamtest", "1409304348", "xxxxxx", string(enc))
	plain, err := env.Open(msgSignature, "1409304348", "xxxxxx", sealed)
	fmt.Println(string(plain), err)

	_, err = env.Open(strings.Repeat("0", 40), "1409304348", "xxxxxx", sealed)
	fmt.Println(errors.Is(err, crypto.ErrInvalidSignature), crypto.ErrorCode(err))
	// Output:
	// <xml><Encrypt><![CDATA[jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==]]></Encrypt><MsgSignature><![CDATA[82c962d39941aa48552f90ef55aa323dc620cc10]]></MsgSignature><TimeStamp>1409304348</TimeStamp><Nonce><![CDATA[xxxxxx]]></Nonce></xml>
	// 我是中文abcd123 <nil>
	// true -40001
}

func ExampleCipher() {
	c, err := crypto.NewCipher("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6")
	if err != nil {
		panic(err)
	}
	// The published ciphertext of the official Java sample.
	msg, err := c.Decrypt("jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==")
	fmt.Println(string(msg), err)
	fmt.Println(c) // the key is never printed
	// Output:
	// 我是中文abcd123 <nil>
	// crypto.Cipher{appID: wxb11529c136998cb6, key: <redacted>}
}

func ExampleExtractEncrypt() {
	body := []byte(`<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[hyzAe4Oz...]]></Encrypt></xml>`)
	enc, err := crypto.ExtractEncrypt(body)
	fmt.Println(string(enc), err)
	_, err = crypto.ExtractEncrypt([]byte(`<xml><Content><![CDATA[hi]]></Content></xml>`))
	fmt.Println(err)
	// Output:
	// hyzAe4Oz... <nil>
	// crypto: malformed envelope: no well-formed Encrypt element
}
