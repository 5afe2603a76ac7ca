package datewin

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDate(t *testing.T) {
	t.Parallel()
	d, err := Parse("2024-02-28")
	require.NoError(t, err)
	assert.Equal(t, Date{2024, time.February, 28}, d)
	assert.Equal(t, "2024-03-01", d.AddDays(2).String(), "leap year")
	assert.Equal(t, 366, New(2024, 1, 1).DaysUntil(New(2025, 1, 1)))
	assert.True(t, d.Before(d.AddDays(1)))
	assert.Equal(t, 0, d.Compare(d))
	_, err = Parse("2024-2-28")
	require.Error(t, err)
	// 23:30 UTC is the next morning in China.
	assert.Equal(t, "2024-03-01", Of(time.Date(2024, 2, 29, 16, 30, 0, 0, time.UTC)).String())
	b, err := json.Marshal(struct{ D Date }{d})
	require.NoError(t, err)
	assert.JSONEq(t, `{"D":"2024-02-28"}`, string(b))
	var back struct{ D Date }
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d, back.D)
	assert.Error(t, json.Unmarshal([]byte(`{"D":"yesterday"}`), &back))
}

func TestWindows(t *testing.T) {
	t.Parallel()
	end := New(2026, 11, 30)
	begin := end.AddDays(-89) // 90 days
	for _, max := range []int{1, 7, 15, 30, 90, 100} {
		var got []Window
		for w := range Windows(begin, end, max) {
			got = append(got, w)
		}
		require.Len(t, got, Count(begin, end, max), "max %d", max)
		assert.Equal(t, begin, got[0].Begin)
		assert.Equal(t, end, got[len(got)-1].End)
		total := 0
		for i, w := range got {
			assert.LessOrEqual(t, w.Days(), max, "window %v", w)
			assert.Positive(t, w.Days())
			if i > 0 {
				assert.Equal(t, got[i-1].End.AddDays(1), w.Begin, "windows are contiguous")
			}
			total += w.Days()
		}
		assert.Equal(t, 90, total)
	}
	assert.Equal(t, 13, Count(begin, end, 7))
	assert.Equal(t, 0, Count(end, begin, 7))
	for range Windows(end, begin, 7) {
		t.Fatal("reversed range yields nothing")
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	today := New(2026, 12, 2)
	y := today.AddDays(-1)
	for _, tt := range []struct {
		b, e  Date
		max   int
		field string
	}{
		{y.AddDays(-6), y, 7, ""},
		{y.AddDays(-7), y, 7, "end_date"},
		{y, today, 7, "end_date"},
		{y, y.AddDays(-1), 7, "begin_date"},
		{Date{}, y, 7, "begin_date"},
		{y, Date{}, 7, "end_date"},
	} {
		f, _ := Check(tt.b, tt.e, tt.max, today)
		assert.Equal(t, tt.field, f, "%v..%v", tt.b, tt.e)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("2024-02-29")
	f.Add("2023-02-29")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err == nil && d.String() != s {
			t.Fatalf("Parse(%q) = %v", s, d)
		}
	})
}
