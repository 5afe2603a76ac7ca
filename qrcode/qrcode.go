package qrcode

import (
	"context"
	"errors"
	"io"
	"math"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/wxkit/mp"
)

// Documented limits of 生成带参数的二维码.
const (
	MaxPermanentSceneID = 100000  // scene_id of a permanent code is 1..100000
	MaxSceneStrLength   = 64      // scene_str is 1..64 characters
	MinExpireSeconds    = 60      // shortest expire_seconds accepted here
	MaxExpireSeconds    = 2592000 // 30 days, the longest a temporary code lives
)

// Service is the QR-code and short-key API of one Official Account.
type Service struct {
	c *mp.Client
}

// New returns the QR-code API on c.
func New(c *mp.Client) *Service { return &Service{c: c} }

// Action is the kind of QR code (action_name).
type Action string

// QR-code kinds.
const (
	ActionScene         Action = "QR_SCENE"           // temporary, integer scene_id
	ActionStrScene      Action = "QR_STR_SCENE"       // temporary, string scene_str
	ActionLimitScene    Action = "QR_LIMIT_SCENE"     // permanent, integer scene_id
	ActionLimitStrScene Action = "QR_LIMIT_STR_SCENE" // permanent, string scene_str
)

// Temporary reports whether codes of this kind expire.
func (a Action) Temporary() bool { return a == ActionScene || a == ActionStrScene }

// CreateRequest is the body of 生成带参数的二维码 (POST /cgi-bin/qrcode/create).
type CreateRequest struct {
	// ExpireSeconds is the life of a temporary code, 60 to 2592000 (30
	// days); 0 leaves it out and WeChat applies its default (60 s in the
	// current documentation, 30 s in older versions). Must be 0 for
	// permanent codes.
	ExpireSeconds int        `json:"expire_seconds,omitempty"`
	ActionName    Action     `json:"action_name"`
	ActionInfo    ActionInfo `json:"action_info"`
}

// ActionInfo holds the scene of a code.
type ActionInfo struct {
	Scene Scene `json:"scene"`
}

// Scene is the value a code carries: SceneID for QR_SCENE (1 to
// 4294967295, a non-zero 32-bit integer) and QR_LIMIT_SCENE (1 to 100000),
// SceneStr (1 to 64 characters) for QR_STR_SCENE and QR_LIMIT_STR_SCENE.
type Scene struct {
	SceneID  uint32 `json:"scene_id,omitempty"`
	SceneStr string `json:"scene_str,omitempty"`
}

// Ticket is a created code (二维码ticket).
type Ticket struct {
	// Ticket exchanges for the image at [Service.ImageURL] while the code
	// is valid.
	Ticket        string `json:"ticket"`
	ExpireSeconds int    `json:"expire_seconds"` // 0 for permanent codes
	// URL is the content of the code, for rendering the image yourself.
	URL string `json:"url"`
}

// Validate checks r against the documented limits.
func (r *CreateRequest) Validate() error {
	const op = "qrcode.Create"
	scene := r.ActionInfo.Scene
	switch r.ActionName {
	case ActionScene, ActionLimitScene:
		if scene.SceneStr != "" {
			return &mp.ValidationError{Op: op, Field: "action_info.scene.scene_str", Reason: "is not used by " + string(r.ActionName) + ": set scene_id"}
		}
		if scene.SceneID == 0 {
			return &mp.ValidationError{Op: op, Field: "action_info.scene.scene_id", Reason: "must not be 0"}
		}
		if r.ActionName == ActionLimitScene && scene.SceneID > MaxPermanentSceneID {
			return &mp.ValidationError{Op: op, Field: "action_info.scene.scene_id",
				Reason: strconv.FormatUint(uint64(scene.SceneID), 10) + " is over 100000, the limit of permanent codes"}
		}
	case ActionStrScene, ActionLimitStrScene:
		if scene.SceneID != 0 {
			return &mp.ValidationError{Op: op, Field: "action_info.scene.scene_id", Reason: "is not used by " + string(r.ActionName) + ": set scene_str"}
		}
		if err := checkSceneStr(op, scene.SceneStr); err != nil {
			return err
		}
	case "":
		return &mp.ValidationError{Op: op, Field: "action_name", Reason: "is required"}
	default:
		return &mp.ValidationError{Op: op, Field: "action_name", Reason: strconv.Quote(string(r.ActionName)) + " is not a QR-code kind"}
	}
	switch {
	case r.ExpireSeconds == 0:
	case !r.ActionName.Temporary():
		return &mp.ValidationError{Op: op, Field: "expire_seconds", Reason: "permanent codes do not expire"}
	case r.ExpireSeconds < MinExpireSeconds || r.ExpireSeconds > MaxExpireSeconds:
		return &mp.ValidationError{Op: op, Field: "expire_seconds",
			Reason: strconv.Itoa(r.ExpireSeconds) + " is outside 60..2592000 (30 days)"}
	}
	return nil
}

func checkSceneStr(op, s string) error {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return &mp.ValidationError{Op: op, Field: "action_info.scene.scene_str", Reason: "is required"}
	case n > MaxSceneStrLength:
		return &mp.ValidationError{Op: op, Field: "action_info.scene.scene_str",
			Reason: "is " + strconv.Itoa(n) + " characters, the limit is 64"}
	}
	return nil
}

// Create creates a QR code with a scene (生成带参数的二维码,
// POST /cgi-bin/qrcode/create). The helpers CreateTemporary,
// CreateTemporaryStr, CreatePermanent and CreatePermanentStr fill the
// request for each kind.
func (s *Service) Create(ctx context.Context, req *CreateRequest) (*Ticket, error) {
	if req == nil {
		return nil, &mp.ValidationError{Op: "qrcode.Create", Reason: "nil request"}
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	var out Ticket
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/qrcode/create", Body: req}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// expireSeconds converts a life to whole seconds; 0 stays 0 (WeChat's
// default), anything else out of range is left for Validate to refuse.
func expireSeconds(d time.Duration) int {
	if d <= 0 {
		if d < 0 {
			return -1
		}
		return 0
	}
	s := d / time.Second
	if s > math.MaxInt32 {
		return math.MaxInt32
	}
	if d%time.Second != 0 {
		s++ // round up: a partial second is a second
	}
	return int(s)
}

// CreateTemporary creates a temporary code (临时二维码, QR_SCENE) for an
// integer scene, valid for expire (1 minute to 30 days; 0 for WeChat's
// default).
func (s *Service) CreateTemporary(ctx context.Context, sceneID uint32, expire time.Duration) (*Ticket, error) {
	return s.Create(ctx, &CreateRequest{ExpireSeconds: expireSeconds(expire), ActionName: ActionScene,
		ActionInfo: ActionInfo{Scene: Scene{SceneID: sceneID}}})
}

// CreateTemporaryStr creates a temporary code (临时二维码, QR_STR_SCENE) for a
// string scene of 1 to 64 characters, valid for expire (1 minute to 30 days;
// 0 for WeChat's default).
func (s *Service) CreateTemporaryStr(ctx context.Context, scene string, expire time.Duration) (*Ticket, error) {
	return s.Create(ctx, &CreateRequest{ExpireSeconds: expireSeconds(expire), ActionName: ActionStrScene,
		ActionInfo: ActionInfo{Scene: Scene{SceneStr: scene}}})
}

// CreatePermanent creates a permanent code (永久二维码, QR_LIMIT_SCENE) for an
// integer scene from 1 to 100000.
func (s *Service) CreatePermanent(ctx context.Context, sceneID uint32) (*Ticket, error) {
	return s.Create(ctx, &CreateRequest{ActionName: ActionLimitScene, ActionInfo: ActionInfo{Scene: Scene{SceneID: sceneID}}})
}

// CreatePermanentStr creates a permanent code (永久二维码, QR_LIMIT_STR_SCENE)
// for a string scene of 1 to 64 characters.
func (s *Service) CreatePermanentStr(ctx context.Context, scene string) (*Ticket, error) {
	return s.Create(ctx, &CreateRequest{ActionName: ActionLimitStrScene, ActionInfo: ActionInfo{Scene: Scene{SceneStr: scene}}})
}

// ImageURL returns the address of a ticket's image (通过ticket换取二维码):
// {mp host}/cgi-bin/showqrcode?ticket=TICKET, with the ticket URL-escaped.
// It carries no access_token and can be given to browsers.
func (s *Service) ImageURL(ticket string) string {
	return s.c.MPURL("/cgi-bin/showqrcode", url.Values{"ticket": {ticket}})
}

// ErrNotImage is returned by [Service.Download] when showqrcode answers
// with JSON (without an errcode) instead of an image.
var ErrNotImage = errors.New("mp: qrcode.Download: showqrcode answered JSON, not an image")

// Download streams a ticket's image (a JPEG) to w without buffering it
// (通过ticket换取二维码, GET {mp host}/cgi-bin/showqrcode). The request carries
// no access_token. An errcode answer is an *mp.APIError.
func (s *Service) Download(ctx context.Context, ticket string, w io.Writer) (*mp.Download, error) {
	if ticket == "" {
		return nil, &mp.ValidationError{Op: "qrcode.Download", Field: "ticket", Reason: "is required"}
	}
	if w == nil {
		return nil, &mp.ValidationError{Op: "qrcode.Download", Field: "w", Reason: "nil writer"}
	}
	d, err := s.c.Download(ctx, &mp.Request{Method: "GET", Path: "/cgi-bin/showqrcode",
		Query: url.Values{"ticket": {ticket}}, NoToken: true, BaseURL: s.c.MPBaseURL()}, w, nil)
	if err != nil {
		return nil, err
	}
	if d.JSON {
		return nil, ErrNotImage
	}
	return d, nil
}
