package customer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxkit/mp"
	"github.com/wxkit/mp/customer"
	"github.com/wxkit/mp/internal/mptest"
)

func TestAccountWrites(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		path  string
		query map[string]string
		want  string // fixture name or inline JSON
		call  func(*customer.Service) error
	}{
		{"add", "/customservice/kfaccount/add", map[string]string{}, "kfaccount_add.json",
			func(s *customer.Service) error { return s.AddAccount(context.Background(), "test1@test", "客服1") }},
		{"update", "/customservice/kfaccount/update", map[string]string{}, "kfaccount_add.json",
			func(s *customer.Service) error { return s.UpdateAccount(context.Background(), "test1@test", "客服1") }},
		{"delete", "/customservice/kfaccount/del", map[string]string{"kf_account": "test1@test"}, `{"kf_account":"test1@test"}`,
			func(s *customer.Service) error { return s.DeleteAccount(context.Background(), "test1@test") }},
		{"invite", "/customservice/kfaccount/inviteworker", map[string]string{}, "kfaccount_inviteworker.json",
			func(s *customer.Service) error {
				return s.InviteWorker(context.Background(), "test1@test", "test_kfwx")
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := mptest.New(t)
			called := false
			srv.Reply("POST", tc.path, "ok.json", func(t testing.TB, r *http.Request, body []byte) {
				called = true
				mptest.Query(t, r, tc.query)
				if strings.HasSuffix(tc.want, ".json") {
					mptest.JSONEqFixture(t, tc.want, body)
				} else {
					mptest.JSONEq(t, tc.want, body)
				}
			})
			require.NoError(t, tc.call(customer.New(c)))
			assert.True(t, called)
		})
	}
}

func TestAccountErrors(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	for _, p := range []string{"add", "update", "del", "inviteworker", "uploadheadimg"} {
		srv.Handle("POST", "/customservice/kfaccount/"+p, func(w http.ResponseWriter, r *http.Request) {
			mptest.ErrorJSON(w, 65400, "please enable new custom service, or wait for a while if you have enabled")
		})
	}
	srv.Handle("GET", "/cgi-bin/customservice/getkflist", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 45009, "reach max api daily quota limit")
	})
	srv.Handle("GET", "/cgi-bin/customservice/getonlinekflist", func(w http.ResponseWriter, r *http.Request) {
		mptest.ErrorJSON(w, 45009, "reach max api daily quota limit")
	})
	s := customer.New(c)
	ctx := context.Background()
	for name, err := range map[string]error{
		"add":    s.AddAccount(ctx, "test1@test", "n"),
		"update": s.UpdateAccount(ctx, "test1@test", "n"),
		"delete": s.DeleteAccount(ctx, "test1@test"),
		"invite": s.InviteWorker(ctx, "test1@test", "wx"),
		"avatar": s.UploadAvatar(ctx, "test1@test", "a.jpg", strings.NewReader("jpeg")),
	} {
		assert.True(t, mp.IsCode(err, 65400), "%s: %v", name, err)
	}
	_, err := s.ListAccounts(ctx)
	assert.True(t, mp.IsCode(err, mp.CodeQuotaExceeded), "%v", err)
	_, err = s.ListOnlineAccounts(ctx)
	assert.True(t, mp.IsCode(err, mp.CodeQuotaExceeded), "%v", err)
}

func TestAccountValidation(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	s := customer.New(c)
	ctx := context.Background()
	cases := []struct {
		name, field string
		err         error
	}{
		{"add no at", "kf_account", s.AddAccount(ctx, "test1", "n")},
		{"add long prefix", "kf_account", s.AddAccount(ctx, "abcdefghijk@test", "n")},
		{"add bad prefix", "kf_account", s.AddAccount(ctx, "te-st@test", "n")},
		{"add long id", "kf_account", s.AddAccount(ctx, "t@"+strings.Repeat("w", 31), "n")},
		{"add no nickname", "nickname", s.AddAccount(ctx, "test1@test", "")},
		{"add long nickname", "nickname", s.AddAccount(ctx, "test1@test", strings.Repeat("客", 17))},
		{"update bad", "kf_account", s.UpdateAccount(ctx, "@test", "n")},
		{"update long nickname", "nickname", s.UpdateAccount(ctx, "test1@test", strings.Repeat("a", 17))},
		{"delete", "kf_account", s.DeleteAccount(ctx, "")},
		{"invite account", "kf_account", s.InviteWorker(ctx, "x", "wx")},
		{"invite wx", "invite_wx", s.InviteWorker(ctx, "test1@test", "")},
		{"avatar account", "kf_account", s.UploadAvatar(ctx, "x", "a.jpg", strings.NewReader("x"))},
		{"avatar nil", "media", s.UploadAvatar(ctx, "test1@test", "a.jpg", nil)},
		{"avatar big", "media", s.UploadAvatar(ctx, "test1@test", "a.jpg", bytes.NewReader(make([]byte, customer.MaxAvatarBytes+1)))},
		{"avatar big seeker", "media", s.UploadAvatar(ctx, "test1@test", "a.jpg",
			io.NewSectionReader(bytes.NewReader(make([]byte, customer.MaxAvatarBytes+1)), 0, customer.MaxAvatarBytes+1))},
		{"nickname utf8", "nickname", s.AddAccount(ctx, "test1@test", "\xff")},
	}
	for _, tc := range cases {
		var ve *mp.ValidationError
		if assert.True(t, errors.As(tc.err, &ve), "%s: %v", tc.name, tc.err) {
			assert.Equal(t, tc.field, ve.Field, tc.name)
		}
	}
	// The limits themselves are accepted.
	_, _, err := customer.ParseAccount("abcdefghij@" + strings.Repeat("w", 30))
	assert.NoError(t, err)
}

func TestUploadAvatar(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	img := bytes.Repeat([]byte{0xff, 0xd8, 0xff}, 1000)
	srv.Handle("POST", "/customservice/kfaccount/uploadheadimg", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, mptest.AccessToken, r.URL.Query().Get("access_token"))
		mptest.Query(t, r, map[string]string{"kf_account": "test1@test"})
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		assert.NoError(t, err)
		assert.Equal(t, "multipart/form-data", mt)
		mr := multipart.NewReader(r.Body, params["boundary"])
		part, err := mr.NextPart()
		if !assert.NoError(t, err) {
			return
		}
		assert.Equal(t, "media", part.FormName())
		assert.Equal(t, "avatar.jpg", part.FileName())
		assert.Equal(t, "image/jpeg", part.Header.Get("Content-Type"))
		got, _ := io.ReadAll(part)
		assert.Equal(t, img, got)
		_, err = mr.NextPart()
		assert.Equal(t, io.EOF, err)
		_, _ = w.Write(mptest.Fixture(t, "ok.json"))
	})
	require.NoError(t, customer.New(c).UploadAvatar(context.Background(), "test1@test", "avatar.jpg", bytes.NewReader(img)))
}

func TestUploadAvatarUnsizedReader(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("POST", "/customservice/kfaccount/uploadheadimg", "ok.json", func(t testing.TB, r *http.Request, body []byte) {
		assert.Contains(t, string(body), "jpeg-bytes")
		assert.Contains(t, string(body), `filename="avatar.jpg"`)
	})
	// A reader without Len, Seek or Stat is streamed chunked, unchecked.
	r := io.MultiReader(strings.NewReader("jpeg-"), strings.NewReader("bytes"))
	require.NoError(t, customer.New(c).UploadAvatar(context.Background(), "test1@test", "", r))
}

func TestUploadAvatarFileSize(t *testing.T) {
	t.Parallel()
	_, c := mptest.New(t)
	p := filepath.Join(t.TempDir(), "big.jpg")
	f, err := os.Create(p)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(customer.MaxAvatarBytes+1))
	defer f.Close()
	var ve *mp.ValidationError
	assert.True(t, errors.As(customer.New(c).UploadAvatar(context.Background(), "test1@test", "big.jpg", f), &ve))
}

func TestListAccounts(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/customservice/getkflist", "getkflist.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
		assert.Empty(t, body)
	})
	got, err := customer.New(c).ListAccounts(context.Background())
	require.NoError(t, err)
	require.Len(t, got.KFList, 3)
	head := "http://mmbiz.qpic.cn/mmbiz/4whpV1VZl2iccsvYbHvnphkyGtnvjfUS8Ym0GSaLic0FD3vN0V8PILcibEGb2fPfEOmw/0"
	assert.Equal(t, customer.Account{KFAccount: "test1@test", KFHeadImgURL: head, KFID: "1001", KFNick: "ntest1", KFWX: "kfwx1"}, got.KFList[0])
	assert.Equal(t, customer.Account{KFAccount: "test3@test", KFHeadImgURL: head, KFID: "1003", KFNick: "ntest3",
		InviteWX: "kfwx3", InviteExpireTime: 123456789, InviteStatus: "waiting"}, got.KFList[2])
}

func TestListOnlineAccounts(t *testing.T) {
	t.Parallel()
	srv, c := mptest.New(t)
	srv.Reply("GET", "/cgi-bin/customservice/getonlinekflist", "getonlinekflist.json", func(t testing.TB, r *http.Request, body []byte) {
		mptest.Query(t, r, map[string]string{})
	})
	got, err := customer.New(c).ListOnlineAccounts(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []customer.OnlineAccount{
		{KFAccount: "test1@test", Status: customer.StatusWebOnline, KFID: "1001", AcceptedCase: 1},
		{KFAccount: "test2@test", Status: customer.StatusWebOnline, KFID: "1002", AcceptedCase: 2},
	}, got.KFOnlineList)
}

func TestKFIDAsNumber(t *testing.T) {
	t.Parallel()
	// The current documentation types kf_id as a number, older samples as a string.
	var a customer.OnlineAccount
	require.NoError(t, json.Unmarshal([]byte(`{"kf_account":"a@b","status":0,"kf_id":1001,"accepted_case":0}`), &a))
	assert.Equal(t, json.Number("1001"), a.KFID)
	n, err := a.KFID.Int64()
	require.NoError(t, err)
	assert.Equal(t, int64(1001), n)
}

func TestParseAccount(t *testing.T) {
	t.Parallel()
	p, id, err := customer.ParseAccount("test1@kftest")
	require.NoError(t, err)
	assert.Equal(t, "test1", p)
	assert.Equal(t, "kftest", id)
	for _, bad := range []string{"", "test", "@x", "x@", "a b@x", "a@b@c", "a@b c", "ab\x00@x", "a@\xff"} {
		_, _, err := customer.ParseAccount(bad)
		assert.ErrorIs(t, err, customer.ErrInvalidAccount, "%q", bad)
	}
}
