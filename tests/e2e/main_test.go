//go:build e2e

package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
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
	requiredTools = []string{"pulumi", "pulumi-language-go", "pulumi-resource-kubernetes", "kubectl"}
	clusterTools  = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"}
)

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

// runSuite prepares the tools and the cluster, runs the tests and always
// tears down what it started.
func runSuite(m *testing.M) int {
	root, err := findRepoRoot()
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
		stop, err := startCluster(root, clusterDir, tmp)
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

// findRepoRoot walks up from the working directory to the directory that
// holds go.mod.
func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run the suite inside the repository")
		}
		dir = parent
	}
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

// startCluster runs scripts/cluster.sh up in clusterDir and returns the
// function that stops it. A detached guardian process stops the cluster
// (and removes scratch, the suite's temporary directory) if this process
// dies without calling stop (a panic, the -timeout alarm, a signal), so no
// control plane is ever left behind.
func startCluster(root, clusterDir, scratch string) (func(), error) {
	script := filepath.Join(root, "scripts", "cluster.sh")
	clusterEnv := append(os.Environ(), "ORDINAL_CLUSTER_DIR="+clusterDir)
	down := func() {
		cmd := exec.Command("bash", script, "down")
		cmd.Env = clusterEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: cluster down: %v\n%s", err, out)
		}
	}
	guardian := exec.Command("setsid", "bash", "-c",
		`while kill -0 "$1" 2>/dev/null; do sleep 2; done; ORDINAL_CLUSTER_DIR="$2" bash "$3" down >/dev/null 2>&1; rm -rf "$4"`,
		"guardian", strconv.Itoa(os.Getpid()), clusterDir, script, scratch)
	guardian.Stdin, guardian.Stdout, guardian.Stderr = nil, nil, nil
	if err := guardian.Start(); err != nil {
		return nil, fmt.Errorf("starting the cleanup guardian: %w", err)
	}
	stopGuardian := func() {
		_ = guardian.Process.Kill()
		_ = guardian.Wait()
	}
	start := time.Now()
	cmd := exec.Command("bash", script, "up")
	cmd.Env = clusterEnv
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		stopGuardian()
		down()
		return nil, fmt.Errorf("%s up: %w\n%s", script, err, out.String())
	}
	fmt.Fprintf(os.Stderr, "e2e: local cluster up in %s (%s)\n", time.Since(start).Round(100*time.Millisecond), clusterDir)
	return func() {
		stopGuardian()
		down()
		fmt.Fprintln(os.Stderr, "e2e: local cluster stopped")
	}, nil
}
