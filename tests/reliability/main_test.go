package reliability

import (
	"fmt"
	"os"
	"testing"
)

// helperEnv makes the test binary print the manifest digest and exit
// instead of running tests: the cross-process determinism test runs the
// binary twice this way.
const helperEnv = "ORDINAL_RELIABILITY_HELPER"

// suiteSetup prepares what the suite needs and returns its teardown; nil
// without the e2e build tag (see apiserver_e2e_test.go).
var suiteSetup func() (teardown func(), err error)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "digest" {
		d, err := manifestDigest()
		if err != nil {
			fmt.Fprintln(os.Stderr, "reliability helper:", err)
			os.Exit(1)
		}
		fmt.Println(d)
		os.Exit(0)
	}
	os.Exit(runSuite(m))
}

// runSuite runs the tests between suiteSetup and its teardown.
func runSuite(m *testing.M) int {
	if suiteSetup == nil {
		return m.Run()
	}
	teardown, err := suiteSetup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability: FAIL:", err)
		return 1
	}
	defer teardown()
	return m.Run()
}
