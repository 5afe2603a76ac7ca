package qrcode

import (
	"context"
	"strconv"
	"time"

	"github.com/wxkit/mp"
)

// Documented limits of 短key托管.
const (
	MaxLongDataBytes      = 4 << 10 // long_data is at most 4 KB
	MaxShortKeyExpireSecs = 2592000 // 30 days, also WeChat's default
)

const (
	shortenOp      = "qrcode.GenShortKey"
	shortenFetchOp = "qrcode.FetchShortKey"
)

type genShortKeyRequest struct {
	LongData      string `json:"long_data"`
	ExpireSeconds int    `json:"expire_seconds"`
}

type genShortKeyResponse struct {
	ShortKey string `json:"short_key"`
}

// GenShortKey stores up to 4 KB of longData under a short key (长信息转短链,
// POST /cgi-bin/shorten/gen), for a QR code or link too small for the data.
// expire is at most 30 days; 0 means the documented default, 30 days. The
// key is 15 base62 characters.
func (s *Service) GenShortKey(ctx context.Context, longData string, expire time.Duration) (string, error) {
	if longData == "" {
		return "", &mp.ValidationError{Op: shortenOp, Field: "long_data", Reason: "is required"}
	}
	if len(longData) > MaxLongDataBytes {
		return "", &mp.ValidationError{Op: shortenOp, Field: "long_data",
			Reason: "is " + strconv.Itoa(len(longData)) + " bytes, the limit is 4096"}
	}
	secs := expireSeconds(expire)
	if secs < 0 || secs > MaxShortKeyExpireSecs {
		return "", &mp.ValidationError{Op: shortenOp, Field: "expire_seconds", Reason: "must be 0 to 2592000 seconds (30 days)"}
	}
	if secs == 0 {
		secs = MaxShortKeyExpireSecs // expire_seconds is a required field
	}
	var out genShortKeyResponse
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/shorten/gen",
		Body: genShortKeyRequest{LongData: longData, ExpireSeconds: secs}}, &out); err != nil {
		return "", err
	}
	return out.ShortKey, nil
}

// LongData is the data stored under a short key.
type LongData struct {
	LongData      string `json:"long_data"`
	CreateTime    int64  `json:"create_time"`    // Unix seconds
	ExpireSeconds int    `json:"expire_seconds"` // seconds left
}

// Created returns CreateTime as a time.
func (d *LongData) Created() time.Time { return time.Unix(d.CreateTime, 0) }

type fetchShortKeyRequest struct {
	ShortKey string `json:"short_key"`
}

// FetchShortKey returns the data stored under a short key (短链转长信息,
// POST /cgi-bin/shorten/fetch). An unknown or expired key is errcode 9410012.
func (s *Service) FetchShortKey(ctx context.Context, shortKey string) (*LongData, error) {
	if shortKey == "" {
		return nil, &mp.ValidationError{Op: shortenFetchOp, Field: "short_key", Reason: "is required"}
	}
	var out LongData
	if err := s.c.Do(ctx, &mp.Request{Method: "POST", Path: "/cgi-bin/shorten/fetch",
		Body: fetchShortKeyRequest{ShortKey: shortKey}, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
