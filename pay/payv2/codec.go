package payv2

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// toParams flattens a request struct into wire parameters using its xml
// tags: non-empty strings and non-zero integers are kept. Extra adds fields
// the struct does not model; it may not repeat a struct field nor set the
// fields the client fills in (appid, mch_id, nonce_str, sign, sign_type).
func toParams(api string, req any, extra map[string]string) (map[string]string, error) {
	m := make(map[string]string, 16+len(extra))
	v := reflect.Indirect(reflect.ValueOf(req))
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name := wireName(t.Field(i))
		if name == "" {
			continue
		}
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			if s := f.String(); s != "" {
				m[name] = s
			}
		case reflect.Int, reflect.Int64:
			if n := f.Int(); n != 0 {
				m[name] = strconv.FormatInt(n, 10)
			}
		}
	}
	for k, val := range extra {
		if reservedKey(k) {
			return nil, &ParamError{API: api, Field: k, Reason: "is set by the client and may not be given in Extra"}
		}
		if _, dup := m[k]; dup {
			return nil, &ParamError{API: api, Field: k, Reason: "given both as a field and in Extra"}
		}
		m[k] = val
	}
	return m, nil
}

// fromParams fills the xml-tagged string and integer fields of the struct
// pointed to by dst (and of its embedded structs) from a verified message.
func fromParams(m map[string]string, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			if err := fromParams(m, v.Field(i).Addr().Interface()); err != nil {
				return err
			}
			continue
		}
		name := wireName(sf)
		if name == "" {
			continue
		}
		s, ok := m[name]
		if !ok {
			continue
		}
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(s)
		case reflect.Int, reflect.Int64:
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("%w: %s is not an integer", ErrMalformedResponse, name)
			}
			f.SetInt(n)
		}
	}
	return nil
}

func wireName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	tag := f.Tag.Get("xml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	return name
}

// getInt parses an optional integer field; absent or empty is 0.
func getInt(m map[string]string, key string) (int64, error) {
	s := strings.TrimSpace(m[key])
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s is not an integer", ErrMalformedResponse, key)
	}
	return n, nil
}

// indexedCount reads an item count such as coupon_count. A count larger
// than the number of fields present is rejected, so a hostile count cannot
// make us loop or allocate.
func indexedCount(m map[string]string, key string) (int, error) {
	n, err := getInt(m, key)
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("%w: %s is negative", ErrMalformedResponse, key)
	}
	if n > int64(len(m)) {
		// Every item needs at least one field of its own.
		return 0, fmt.Errorf("%w: %s exceeds the fields present", ErrMalformedResponse, key)
	}
	return int(n), nil
}

// Coupon is one entry of the coupon_type_$n / coupon_id_$n / coupon_fee_$n
// lists (代金券) in order query results and payment notifications.
type Coupon struct {
	Type string // CASH (充值代金券) or NO_CASH (非充值优惠券)
	ID   string
	Fee  int64 // 单位为分
}

// parseCoupons reads coupon lists indexed from 0, e.g. prefix "coupon" →
// coupon_type_0, coupon_id_0, coupon_fee_0 with count key coupon_count.
func parseCoupons(m map[string]string, countKey, typeKey, idKey, feeKey, suffix string) ([]Coupon, error) {
	n, err := indexedCount(m, countKey)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]Coupon, 0, n)
	for i := 0; i < n; i++ {
		idx := suffix + strconv.Itoa(i)
		fee, err := getInt(m, feeKey+idx)
		if err != nil {
			return nil, err
		}
		out = append(out, Coupon{Type: m[typeKey+idx], ID: m[idKey+idx], Fee: fee})
	}
	return out, nil
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
