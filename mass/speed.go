package mass

import (
	"context"
	"fmt"

	"github.com/wxkit/mp"
)

// Mass-send speed levels (群发速度): 0 is the fastest.
const (
	Speed80w = 0 // 80万/分钟
	Speed60w = 1 // 60万/分钟
	Speed45w = 2 // 45万/分钟
	Speed30w = 3 // 30万/分钟
	Speed10w = 4 // 10万/分钟
)

// Speed is the mass-send speed (获取群发速度).
type Speed struct {
	Speed     int `json:"speed"`     // level 0 (fastest) to 4
	RealSpeed int `json:"realspeed"` // 群发速度的真实值，单位：万/分钟
}

// Speed returns the mass-send speed (获取群发速度,
// POST /cgi-bin/message/mass/speed/get).
func (s *Service) Speed(ctx context.Context) (*Speed, error) {
	var out Speed
	if err := s.do(ctx, &mp.Request{Method: "POST", Path: pathSpeedGet, Body: struct{}{}, Idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetSpeed sets the mass-send speed level, 0 (80万/分钟) to 4 (10万/分钟)
// (设置群发速度, POST /cgi-bin/message/mass/speed/set).
func (s *Service) SetSpeed(ctx context.Context, level int) error {
	if level < Speed80w || level > Speed10w {
		return &mp.ValidationError{Op: "mass.SetSpeed", Field: "speed", Reason: fmt.Sprintf("speed is 0 to 4, got %d", level)}
	}
	body := struct {
		Speed int `json:"speed"`
	}{level}
	return s.do(ctx, &mp.Request{Method: "POST", Path: pathSpeedSet, Body: body, Idempotent: true}, nil)
}
