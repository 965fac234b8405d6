package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Env is the environment of a suite: the repository, its tools and the
// cluster under test.
type Env struct {
	// Root is the repository root; Bin is Root/.tools/bin.
	Root, Bin string
	// Kubeconfig of the cluster under test.
	Kubeconfig string
	// PulumiHome isolates the CLI's home (plugins, workspaces).
	PulumiHome string
	// Providers are resource plugins the stacks' projects load from a
	// directory (Pulumi.yaml plugins.providers), by package name: how the
	// CLI finds a plugin built from this repository without downloading.
	Providers map[string]string
	// ExtraEnv is added to the environment of every engine call.
	ExtraEnv map[string]string
}

// Kubectl runs a kubectl command against the cluster under test, bounded
// by a minute: `get` and `exec` in this process (client.go), the others
// with .tools/bin/kubectl.
func (e *Env) Kubectl(args ...string) ([]byte, error) {
	return e.KubectlIn(nil, args...)
}

// KubectlIn is Kubectl with stdin.
func (e *Env) KubectlIn(stdin []byte, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if call, ok := parseKubectl(args); ok && stdin == nil {
		c, err := client(e.Kubeconfig)
		if err != nil {
			return nil, err
		}
		out, err := c.run(ctx, call)
		if err != nil {
			return out, fmt.Errorf("kubectl %s: %w", strings.Join(args, " "), err)
		}
		return out, nil
	}
	cmd := exec.CommandContext(ctx, filepath.Join(e.Bin, "kubectl"), append([]string{"--kubeconfig", e.Kubeconfig}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// MustKubectl is Kubectl that fails the test on an error.
func (e *Env) MustKubectl(t testing.TB, args ...string) []byte {
	t.Helper()
	out, err := e.Kubectl(args...)
	require.NoError(t, err)
	return out
}

// GetJSON reads objects with `kubectl get -o json` into into.
func (e *Env) GetJSON(t testing.TB, into any, args ...string) {
	t.Helper()
	out := e.MustKubectl(t, append(append([]string{"get"}, args...), "-o", "json")...)
	require.NoError(t, json.Unmarshal(out, into), "decoding kubectl get %v", args)
}

// Exec runs cmd in a container of a pod (`kubectl exec`) and returns its
// standard output; the error carries its standard error.
func (e *Env) Exec(ns, pod, container string, cmd ...string) (string, error) {
	args := []string{"exec", "-n", ns, pod}
	if container != "" {
		args = append(args, "-c", container)
	}
	out, err := e.Kubectl(append(append(args, "--"), cmd...)...)
	return string(out), err
}

// MustExec is Exec that fails the test on an error.
func (e *Env) MustExec(t testing.TB, ns, pod, container string, cmd ...string) string {
	t.Helper()
	out, err := e.Exec(ns, pod, container, cmd...)
	require.NoError(t, err, "exec in %s/%s", ns, pod)
	return out
}

// Namespace creates a namespace for one test with the given labels and
// deletes it when the test ends.
func (e *Env) Namespace(t testing.TB, name string, labels map[string]string) string {
	t.Helper()
	e.MustKubectl(t, "create", "namespace", name)
	if len(labels) > 0 {
		args := []string{"label", "namespace", name, "--overwrite"}
		for k, v := range labels {
			args = append(args, k+"="+v)
		}
		e.MustKubectl(t, args...)
	}
	t.Cleanup(func() {
		if _, err := e.Kubectl("delete", "namespace", name, "--wait=false", "--ignore-not-found"); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})
	return name
}

// Eventually polls cond until it holds or timeout passes; cond describes
// what it saw, for the failure message. The pause between two polls grows
// from half a second to a second: most conds run kubectl (≈0.2 s of CPU
// each, measured), and on a 2-core machine the suites that run side by
// side spent a large share of it polling long waits every half second.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	start := time.Now()
	var last string
	pause := 500 * time.Millisecond
	for {
		ok, seen := cond()
		if ok {
			t.Logf("%s: after %s", what, time.Since(start).Round(100*time.Millisecond))
			return
		}
		last = seen
		if time.Since(start) > timeout {
			require.FailNowf(t, "timed out", "%s: not reached after %s; last seen: %s", what, timeout, last)
		}
		time.Sleep(pause)
		pause = min(pause*3/2, time.Second)
	}
}

// Tail is the last n lines of s.
func Tail(s string, n int) string {
	parts := strings.Split(s, "\n")
	if len(parts) > n {
		parts = parts[len(parts)-n:]
	}
	return strings.Join(parts, "\n")
}

// ClusterScript runs scripts/cluster.sh with args against the local
// cluster whose state is in clusterDir, and fails the test if it fails.
func (e *Env) ClusterScript(t testing.TB, clusterDir string, args ...string) {
	t.Helper()
	start := time.Now()
	cmd := exec.Command("bash", append([]string{filepath.Join(e.Root, "scripts", "cluster.sh")}, args...)...)
	cmd.Env = append(os.Environ(), "ORDINAL_CLUSTER_DIR="+clusterDir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "cluster.sh %s: %s", strings.Join(args, " "), out)
	t.Logf("cluster.sh %s: %s (%s)", strings.Join(args, " "), time.Since(start).Round(100*time.Millisecond), strings.TrimSpace(string(out)))
}
