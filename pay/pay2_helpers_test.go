package pay_test

import (
	"errors"
	"os"
	"testing"

	"github.com/wxkit/mp/pay"
)

// fixture reads a documented payload of part two from testdata/pay2.
func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/pay2/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// requireArgument asserts err is an *ArgumentError naming field.
func requireArgument(t testing.TB, err error, field string) {
	t.Helper()
	var ae *pay.ArgumentError
	if !errors.As(err, &ae) {
		t.Fatalf("want *pay.ArgumentError for %s, got %T %v", field, err, err)
	}
	if ae.Name != field {
		t.Fatalf("ArgumentError names %q, want %q (%v)", ae.Name, field, err)
	}
}

// requireAPIError asserts err is an *APIError with status and code.
func requireAPIError(t testing.TB, err error, status int, code string) {
	t.Helper()
	var ae *pay.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want *pay.APIError %s, got %T %v", code, err, err)
	}
	if ae.StatusCode != status || ae.Code != code {
		t.Fatalf("got %d %s, want %d %s", ae.StatusCode, ae.Code, status, code)
	}
}

// offlineClient is a client whose every request fails the test.
func offlineClient(t *testing.T) *pay.Client {
	t.Helper()
	c, err := pay.NewClient(testConfig(), pay.WithHTTPClient(failDoer{t}), pay.WithClock(testClock),
		pay.WithPlatformCertificate(loadFixtures().platCert), pay.WithoutCertificateDownload())
	if err != nil {
		t.Fatal(err)
	}
	return c
}
