package localcluster

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// RepoRoot walks up from the working directory to the directory that holds
// go.mod.
func RepoRoot() (string, error) {
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

// Start runs `scripts/cluster.sh up` of the repository at root with its
// state in dir (the kubeconfig is dir/kubeconfig) and returns the function
// that stops it. If this process dies before calling stop, a guardian stops
// the cluster and removes scratch (when not empty), typically the suite's
// temporary directory. Progress lines go to stderr, prefixed with logPrefix.
func Start(root, dir, scratch, logPrefix string) (stop func(), err error) {
	return StartWith(root, dir, scratch, logPrefix, nil)
}

// StartWith is Start with extra environment for `scripts/cluster.sh up`,
// e.g. ORDINAL_REAL_NODES=3 for real nodes (see scripts/README.md). `down`
// needs none of it: the script finds what the cluster started in dir.
func StartWith(root, dir, scratch, logPrefix string, extraEnv []string) (stop func(), err error) {
	script := filepath.Join(root, "scripts", "cluster.sh")
	env := append(append(os.Environ(), extraEnv...), "ORDINAL_CLUSTER_DIR="+dir)
	down := func() {
		cmd := exec.Command("bash", script, "down")
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: cluster down: %v\n%s", logPrefix, err, out)
		}
	}
	guardian := exec.Command("setsid", "bash", "-c",
		`while kill -0 "$1" 2>/dev/null; do sleep 2; done; ORDINAL_CLUSTER_DIR="$2" bash "$3" down >/dev/null 2>&1; [ -z "$4" ] || rm -rf "$4"`,
		"guardian", strconv.Itoa(os.Getpid()), dir, script, scratch)
	if err := guardian.Start(); err != nil {
		return nil, fmt.Errorf("starting the cleanup guardian: %w", err)
	}
	stopGuardian := func() {
		_ = guardian.Process.Kill()
		_ = guardian.Wait()
	}
	start := time.Now()
	cmd := exec.Command("bash", script, "up")
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		stopGuardian()
		down()
		return nil, fmt.Errorf("%s up: %w\n%s", script, err, out.String())
	}
	fmt.Fprintf(os.Stderr, "%s: local cluster up in %s (%s)\n", logPrefix, time.Since(start).Round(100*time.Millisecond), dir)
	return func() {
		stopGuardian()
		down()
		fmt.Fprintf(os.Stderr, "%s: local cluster stopped\n", logPrefix)
	}, nil
}
