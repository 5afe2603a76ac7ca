package customer

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"mime"
	"net/url"
	"path/filepath"
	"strconv"
	"unicode/utf8"

	"github.com/wxkit/mp"
)

const (
	pathAccountAdd     = "/customservice/kfaccount/add"
	pathAccountUpdate  = "/customservice/kfaccount/update"
	pathAccountDelete  = "/customservice/kfaccount/del"
	pathAccountInvite  = "/customservice/kfaccount/inviteworker"
	pathAccountAvatar  = "/customservice/kfaccount/uploadheadimg"
	pathAccountList    = "/cgi-bin/customservice/getkflist"
	pathAccountsOnline = "/cgi-bin/customservice/getonlinekflist"
)

type accountRequest struct {
	KFAccount string `json:"kf_account"`
	Nickname  string `json:"nickname,omitempty"`
	InviteWX  string `json:"invite_wx,omitempty"`
}

func checkNickname(op, nickname string) error {
	switch n := utf8.RuneCountInString(nickname); {
	case nickname == "":
		return invalid(op, "nickname", "required")
	case !utf8.ValidString(nickname):
		return invalid(op, "nickname", "not valid UTF-8")
	case n > MaxNickname:
		return invalid(op, "nickname", "longer than 16 characters ("+strconv.Itoa(n)+")")
	}
	return nil
}

// AddAccount adds the customer-service account account ("prefix@wechatid",
// see [ParseAccount]) with nickname (at most 16 characters) through
// POST /customservice/kfaccount/add (添加客服帐号). An account can have up
// to 100 customer-service accounts.
func (s *Service) AddAccount(ctx context.Context, account, nickname string) error {
	const op = "customer.AddAccount"
	if err := checkAccount(op, account, true); err != nil {
		return err
	}
	if err := checkNickname(op, nickname); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathAccountAdd,
		Body: accountRequest{KFAccount: account, Nickname: nickname}}, nil)
}

// UpdateAccount changes the nickname of account through
// POST /customservice/kfaccount/update (设置客服信息). Setting the same
// nickname again is harmless, so the call is retried on transient failures.
func (s *Service) UpdateAccount(ctx context.Context, account, nickname string) error {
	const op = "customer.UpdateAccount"
	if err := checkAccount(op, account, false); err != nil {
		return err
	}
	if err := checkNickname(op, nickname); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathAccountUpdate, Idempotent: true,
		Body: accountRequest{KFAccount: account, Nickname: nickname}}, nil)
}

// DeleteAccount deletes account through /customservice/kfaccount/del
// (删除客服帐号). The current documentation posts {"kf_account"}; earlier
// versions passed kf_account in the query of a GET. Both are sent, so
// either reading of the endpoint finds it.
func (s *Service) DeleteAccount(ctx context.Context, account string) error {
	const op = "customer.DeleteAccount"
	if err := checkAccount(op, account, false); err != nil {
		return err
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathAccountDelete,
		Query: url.Values{"kf_account": {account}},
		Body:  accountRequest{KFAccount: account}}, nil)
}

// InviteWorker invites the WeChat user inviteWX to bind account through
// POST /customservice/kfaccount/inviteworker (邀请绑定客服帐号). The user
// confirms in WeChat; until then the invitation shows in [Service.ListAccounts].
func (s *Service) InviteWorker(ctx context.Context, account, inviteWX string) error {
	const op = "customer.InviteWorker"
	if err := checkAccount(op, account, false); err != nil {
		return err
	}
	if inviteWX == "" {
		return invalid(op, "invite_wx", "required")
	}
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathAccountInvite,
		Body: accountRequest{KFAccount: account, InviteWX: inviteWX}}, nil)
}

// UploadAvatar sets the avatar of account (上传客服头像) by streaming r as the
// multipart field "media" to POST /customservice/kfaccount/uploadheadimg
// with kf_account in the query. WeChat wants a JPEG (640*640 recommended) of
// at most 5 MB; when r reports its size (Len, Seek or Stat) a bigger file is
// refused before sending. fileName is the name sent in the form.
func (s *Service) UploadAvatar(ctx context.Context, account, fileName string, r io.Reader) error {
	const op = "customer.UploadAvatar"
	if err := checkAccount(op, account, false); err != nil {
		return err
	}
	if r == nil {
		return invalid(op, "media", "nil reader")
	}
	if fileName == "" {
		fileName = "avatar.jpg"
	}
	if n, ok := readerSize(r); ok && n > MaxAvatarBytes {
		return invalid(op, "media", "larger than 5 MB ("+strconv.FormatInt(n, 10)+" bytes)")
	}
	ct := mime.TypeByExtension(filepath.Ext(fileName))
	return s.c.Do(ctx, &mp.Request{Method: "POST", Path: pathAccountAvatar,
		Query: url.Values{"kf_account": {account}},
		Form: &mp.Multipart{Files: []mp.FormFile{{
			Field: "media", FileName: fileName, ContentType: ct, Reader: r,
		}}}}, nil)
}

// readerSize reports how many bytes r will yield, when it can tell.
func readerSize(r io.Reader) (int64, bool) {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len()), true
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			if sk, ok := r.(io.Seeker); ok {
				if off, err := sk.Seek(0, io.SeekCurrent); err == nil {
					return fi.Size() - off, true
				}
			}
			return fi.Size(), true
		}
	case io.Seeker:
		cur, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return 0, false
		}
		end, err := v.Seek(0, io.SeekEnd)
		if _, serr := v.Seek(cur, io.SeekStart); err != nil || serr != nil {
			return 0, false
		}
		return end - cur, true
	}
	return 0, false
}

// Account is one customer-service account of [AccountList].
type Account struct {
	KFAccount    string      `json:"kf_account"`    // prefix@wechatid
	KFNick       string      `json:"kf_nick"`       // nickname
	KFID         json.Number `json:"kf_id"`         // number of the account (a string or a number on the wire)
	KFHeadImgURL string      `json:"kf_headimgurl"` // avatar URL
	// KFWX is the WeChat ID bound to the account, if any.
	KFWX string `json:"kf_wx,omitempty"`
	// InviteWX, InviteExpireTime and InviteStatus describe a pending
	// binding invitation: the invited WeChat ID, when the invitation
	// expires (Unix seconds) and its status ("waiting", "rejected",
	// "expired").
	InviteWX         string `json:"invite_wx,omitempty"`
	InviteExpireTime int64  `json:"invite_expire_time,omitempty"`
	InviteStatus     string `json:"invite_status,omitempty"`
}

// AccountList is the answer of [Service.ListAccounts].
type AccountList struct {
	KFList []Account `json:"kf_list"`
}

// ListAccounts returns every customer-service account through
// GET /cgi-bin/customservice/getkflist (获取客服基本信息).
func (s *Service) ListAccounts(ctx context.Context) (*AccountList, error) {
	var out AccountList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathAccountList}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Online statuses of [OnlineAccount].
const (
	StatusOffline   = 0 // 不在线
	StatusWebOnline = 1 // web 在线
)

// OnlineAccount is one entry of [OnlineAccountList].
type OnlineAccount struct {
	KFAccount    string      `json:"kf_account"`
	Status       int         `json:"status"` // StatusOffline or StatusWebOnline
	KFID         json.Number `json:"kf_id"`
	AcceptedCase int         `json:"accepted_case"` // sessions being served now
}

// OnlineAccountList is the answer of [Service.ListOnlineAccounts].
type OnlineAccountList struct {
	KFOnlineList []OnlineAccount `json:"kf_online_list"`
}

// ListOnlineAccounts returns the accounts online now through
// GET /cgi-bin/customservice/getonlinekflist (获取在线客服接待信息).
func (s *Service) ListOnlineAccounts(ctx context.Context) (*OnlineAccountList, error) {
	var out OnlineAccountList
	if err := s.c.Do(ctx, &mp.Request{Method: "GET", Path: pathAccountsOnline}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
