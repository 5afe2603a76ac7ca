package media

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimestamp(t *testing.T) {
	t.Parallel()
	tests := map[string]Timestamp{
		`1672500000`:   1672500000,
		`"1380000000"`: 1380000000,
		`""`:           0,
		`null`:         7, // unchanged
		`-1`:           -1,
	}
	for in, want := range tests {
		ts := Timestamp(7)
		require.NoError(t, json.Unmarshal([]byte(in), &ts), in)
		assert.Equal(t, want, ts, in)
	}
	for _, in := range []string{`1.5`, `"abc"`, `true`, `{}`, `"1`, `99999999999999999999`} {
		var ts Timestamp
		assert.Error(t, json.Unmarshal([]byte(in), &ts), in)
	}
	b, err := json.Marshal(Timestamp(5))
	require.NoError(t, err)
	assert.Equal(t, `5`, string(b))
}

func TestID(t *testing.T) {
	t.Parallel()
	tests := map[string]ID{
		`"100000001"`: "100000001",
		`2247503051`:  "2247503051",
		`""`:          "",
		`null`:        "keep",
	}
	for in, want := range tests {
		id := ID("keep")
		require.NoError(t, json.Unmarshal([]byte(in), &id), in)
		assert.Equal(t, want, id, in)
	}
	for _, in := range []string{`true`, `{}`, `[1]`, `"x`} {
		var id ID
		assert.Error(t, json.Unmarshal([]byte(in), &id), in)
	}
	b, err := json.Marshal(ID("42"))
	require.NoError(t, err)
	assert.Equal(t, `"42"`, string(b))
	assert.Equal(t, "42", ID("42").String())
}

// FuzzTimestamp feeds arbitrary JSON values to Timestamp: no panic, and a
// decoded value re-encodes to the same number.
func FuzzTimestamp(f *testing.F) {
	for _, s := range []string{`1672500000`, `"1380000000"`, `""`, `null`, `-0`, `1e9`, `"`, `"\u0031"`, `99999999999999999999`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var ts Timestamp
		if err := ts.UnmarshalJSON(b); err != nil {
			return
		}
		var again Timestamp
		require.NoError(t, again.UnmarshalJSON([]byte(strconv.FormatInt(int64(ts), 10))))
		require.Equal(t, ts, again)
	})
}

// FuzzID feeds arbitrary JSON values to ID: no panic, and a decoded value
// survives an encode/decode round trip.
func FuzzID(f *testing.F) {
	for _, s := range []string{`"100000001"`, `2247503051`, `-1.5e3`, `null`, `""`, `"\ud800"`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var id ID
		if err := id.UnmarshalJSON(b); err != nil {
			return
		}
		enc, err := json.Marshal(id)
		require.NoError(t, err)
		var again ID
		require.NoError(t, json.Unmarshal(enc, &again))
		require.Equal(t, id, again)
	})
}

// FuzzResponses decodes arbitrary bytes as every answer type of the package
// (the bodies WeChat, or whatever sits in between, sends back): no panic.
func FuzzResponses(f *testing.F) {
	for _, name := range []string{"material_get_news.json", "material_batchget_news.json", "draft_batchget.json",
		"freepublish_get_success.json", "freepublish_batchget.json", "media_upload_thumb.json"} {
		f.Add(mustFixture(f, name))
	}
	f.Add([]byte(`{"publish_id":1e400,"publish_status":"x","fail_idx":[null]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range []any{&TempMedia{}, &Material{}, &MaterialList{}, &MaterialCount{}, &Draft{}, &DraftList{},
			&PublishJob{}, &PublishStatus{}, &PublishedArticle{}, &PublishedList{}, &AddedMaterial{}} {
			_ = json.Unmarshal(b, v)
		}
	})
}
