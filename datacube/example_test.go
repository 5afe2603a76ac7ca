package datacube_test

import (
	"fmt"

	"github.com/wxkit/mp/datacube"
)

func ExampleReport_Calls() {
	end := datacube.NewDate(2026, 11, 30)
	begin := end.AddDays(-89) // the last 90 days
	fmt.Println(datacube.UserSummaryReport.Name(), datacube.UserSummaryReport.Calls(begin, end))
	fmt.Println(datacube.UpstreamMsgDistReport.Name(), datacube.UpstreamMsgDistReport.Calls(begin, end))
	fmt.Println(datacube.InterfaceSummaryHourReport.Name(), datacube.InterfaceSummaryHourReport.Calls(begin, end))
	for w := range datacube.UpstreamMsgWeekReport.Windows(begin, end) {
		fmt.Println(w)
	}
	// Output:
	// getusersummary 13
	// getupstreammsgdist 6
	// getinterfacesummaryhour 90
	// 2026-09-02..2026-10-01
	// 2026-10-02..2026-10-31
	// 2026-11-01..2026-11-30
}

func ExampleArticleID() {
	id, index, ok := datacube.ArticleID("2247490098_1")
	fmt.Println(id, index, ok)
	// Output: 2247490098 1 true
}
