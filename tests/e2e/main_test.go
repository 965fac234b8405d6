//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ordinal-dev/ordinal/tests/internal/localcluster"
)

// suite is what TestMain prepares for every test.
type suite struct {
	// root is the repository root (the directory holding go.mod).
	root string
	// bin is <root>/.tools/bin, first on PATH.
	bin string
	// kubeconfig of the cluster under test.
	kubeconfig string
	// pulumiHome isolates the CLI's home (plugins, workspaces) from the
	// user's ~/.pulumi.
	pulumiHome string
}

var env suite

// requiredTools are the binaries the suite runs itself; clusterTools are
// the ones scripts/cluster.sh needs when the suite starts its own cluster.
var (
	requiredTools = []string{"pulumi", "pulumi-language-go", "pulumi-language-yaml", "pulumi-language-nodejs", "pulumi-sdkgen", "pulumi-resource-kubernetes", "kubectl", "kruise-manager"}
	clusterTools  = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"}
)

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

// runSuite prepares the tools and the cluster, runs the tests and always
// tears down what it started.
func runSuite(m *testing.M) int {
	root, err := localcluster.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	env.root = root
	env.bin = filepath.Join(root, ".tools", "bin")
	external := os.Getenv("ORDINAL_E2E_KUBECONFIG")
	need := requiredTools
	if external == "" {
		need = append(append([]string(nil), requiredTools...), clusterTools...)
	}
	if missing := missingTools(env.bin, need); len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "e2e: FAIL: missing tools in %s: %s\n"+
			"e2e: build them with scripts/install-tools.sh (from the repository root), then re-run.\n",
			env.bin, strings.Join(missing, ", "))
		return 1
	}
	if err := os.Setenv("PATH", env.bin+string(os.PathListSeparator)+os.Getenv("PATH")); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "ordinal-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	env.pulumiHome = filepath.Join(tmp, "pulumi-home")
	if err := os.MkdirAll(env.pulumiHome, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}

	if external != "" {
		env.kubeconfig = external
		fmt.Fprintf(os.Stderr, "e2e: using the cluster of ORDINAL_E2E_KUBECONFIG=%s\n", external)
	} else {
		clusterDir := filepath.Join(tmp, "cluster")
		stop, err := localcluster.Start(root, clusterDir, tmp, "e2e")
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e: FAIL: starting the local cluster:", err)
			return 1
		}
		defer stop()
		env.kubeconfig = filepath.Join(clusterDir, "kubeconfig")
	}
	start := time.Now()
	code := m.Run()
	fmt.Fprintf(os.Stderr, "e2e: tests took %s\n", time.Since(start).Round(time.Second))
	return code
}

func missingTools(bin string, names []string) []string {
	var out []string
	for _, n := range names {
		if st, err := os.Stat(filepath.Join(bin, n)); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			out = append(out, n)
		}
	}
	return out
}
