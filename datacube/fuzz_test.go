package datacube_test

import (
	"encoding/json"
	"testing"

	"github.com/wxkit/mp/datacube"
)

// FuzzRows decodes arbitrary report rows and msgids: never a panic.
func FuzzRows(f *testing.F) {
	f.Add([]byte(`{"ref_date":"2014-12-07","user_source":0,"new_user":0,"cancel_user":0}`), "2247490098_1")
	f.Add([]byte(`{"ref_date":"2014-13-07"}`), "_")
	f.Fuzz(func(t *testing.T, row []byte, msgid string) {
		var u datacube.UserSummary
		_ = json.Unmarshal(row, &u)
		var a datacube.ArticleTotalDetail
		_ = json.Unmarshal(row, &a)
		if id, idx, ok := datacube.ArticleID(msgid); ok && (id < 0 && idx < 0) {
			t.Skip()
		}
	})
}
