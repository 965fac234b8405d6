//go:build e2e

package realpods

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ordinal-dev/ordinal/tests/internal/harness"
	"github.com/ordinal-dev/ordinal/tests/internal/localcluster"
)

// realNodes is how many real nodes the suite's cluster has: its node
// groups (nodegroups_test.go).
const realNodes = nodeGroups * nodeGroupSize

var env harness.Env

// childEnv marks the child process that starts a cluster and is killed.
const childEnv = "ORDINAL_REALPODS_CHILD_READY_FILE"

// tools the suite and its cluster need in .tools/bin; images in .tools/images.
var (
	tools = []string{"pulumi", "pulumi-language-go", "pulumi-resource-kubernetes", "kubectl", "etcd",
		"kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "coredns"}
	images = []string{"pause", "base", "zookeeper", "mariadb", "nginx", "etcd"}
)

func TestMain(m *testing.M) {
	if ready := os.Getenv(childEnv); ready != "" {
		os.Exit(runChild(ready))
	}
	os.Exit(runSuite(m))
}

func clusterEnv() []string { return nodesEnv(realNodes) }

// childNodes is the real nodes of the cluster the SIGKILLed child starts:
// what it proves (the guardian removes every node's processes, mounts,
// cgroups, links and rules) needs more than one node, not all nine: up,
// kill and cleanup took 1m57s with nine in a loaded CI run, 1m3s with
// three.
const childNodes = nodeGroupSize

func nodesEnv(n int) []string { return []string{fmt.Sprintf("ORDINAL_REAL_NODES=%d", n)} }

func fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "realpods: FAIL: "+format+"\n", args...)
	return 1
}

func runSuite(m *testing.M) int {
	// Every test is parallel and waits for its node group
	// (nodegroups_test.go), and one that waits holds one of the -parallel
	// slots (GOMAXPROCS by default: 2 here): with that default, two
	// examples waiting for group 0 would keep the data-safety suites
	// from starting. Unless -test.parallel is given, all of them start.
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", "16")
	}
	root, err := localcluster.RepoRoot()
	if err != nil {
		return fail("%v", err)
	}
	env.Root, env.Bin = root, filepath.Join(root, ".tools", "bin")
	var missing []string
	for _, t := range tools {
		if _, err := os.Stat(filepath.Join(env.Bin, t)); err != nil {
			missing = append(missing, t)
		}
	}
	for _, i := range images {
		if _, err := os.Stat(filepath.Join(root, ".tools", "images", i+".tar")); err != nil {
			missing = append(missing, "image "+i)
		}
	}
	if len(missing) > 0 {
		return fail("missing %s: run scripts/install-tools.sh and scripts/images.sh build", strings.Join(missing, ", "))
	}
	if os.Getuid() != 0 {
		return fail("real nodes need root")
	}
	os.Setenv("PATH", env.Bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	tmp, err := os.MkdirTemp("", "ordinal-realpods-")
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(tmp)
	env.PulumiHome = filepath.Join(tmp, "pulumi-home")
	if err := os.MkdirAll(env.PulumiHome, 0o755); err != nil {
		return fail("%v", err)
	}

	// A cluster with real nodes that is already up (scripts/cluster.sh with
	// ORDINAL_REAL_NODES=9, see realNodes, and this ORDINAL_CLUSTER_DIR): no cleanup checks.
	if dir := os.Getenv("ORDINAL_REALPODS_CLUSTER_DIR"); dir != "" {
		clusterDir = dir
		env.Kubeconfig = filepath.Join(dir, "kubeconfig")
		fmt.Fprintf(os.Stderr, "realpods: using the running cluster of %s\n", dir)
		return m.Run()
	}

	before := localcluster.CaptureHostState()
	if err := interruptedRunCleansUp(root, tmp, before); err != nil {
		return fail("a killed test process left the machine changed: %v", err)
	}

	clusterDir = filepath.Join(tmp, "cluster")
	stop, err := localcluster.StartWith(root, clusterDir, tmp, "realpods", clusterEnv())
	if err != nil {
		// StartWith has stopped what it started. One more try, loudly: a
		// start that fails twice is a failure of the suite.
		fmt.Fprintf(os.Stderr, "realpods: FAIL (retrying once): starting the local cluster with real nodes: %v\n", err)
		if stop, err = localcluster.StartWith(root, clusterDir, tmp, "realpods", clusterEnv()); err != nil {
			return fail("starting the local cluster with real nodes (second try): %v", err)
		}
	}
	env.Kubeconfig = filepath.Join(clusterDir, "kubeconfig")
	code := m.Run()
	stop()
	if err := machineAsBefore(root, clusterDir, before, 0); err != nil {
		return fail("`cluster.sh down` left the machine changed: %v", err)
	}
	fmt.Fprintln(os.Stderr, "realpods: the machine is as before the suite (links, iptables, mounts, cgroups, netns, sysctls, paths, processes)")
	return code
}

// machineAsBefore compares the host with before, waiting up to wait for a
// cleanup in progress, and asks the cluster script for leftovers.
func machineAsBefore(root, clusterDir string, before localcluster.HostState, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		diff := localcluster.CaptureHostState().Diff(before)
		cmd := exec.Command("bash", filepath.Join(root, "scripts", "cluster.sh"), "leftovers")
		cmd.Env = append(os.Environ(), "ORDINAL_CLUSTER_DIR="+clusterDir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		left := strings.TrimSpace(string(out))
		if err != nil {
			// A cleanup still removing the cluster's directory can make
			// the script stumble: ask again until the deadline.
			left = fmt.Sprintf("cluster.sh leftovers failed: %v: %s", err, strings.TrimSpace(stderr.String()))
		}
		if len(diff) == 0 && left == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("host state differs:\n  %s\nleftovers:\n%s", strings.Join(diff, "\n  "), left)
		}
		time.Sleep(2 * time.Second)
	}
}

// interruptedRunCleansUp starts a cluster with real nodes in a child test
// process, SIGKILLs the child once the nodes are Ready, and waits for the
// guardian localcluster started with it to leave the machine as before.
func interruptedRunCleansUp(root, tmp string, before localcluster.HostState) error {
	start := time.Now()
	ready := filepath.Join(tmp, "child-ready")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"="+ready)
	child.Stdout, child.Stderr = os.Stderr, os.Stderr
	if err := child.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	deadline := time.After(5 * time.Minute)
	for up := false; !up; {
		select {
		case err := <-exited:
			return fmt.Errorf("the child exited before its cluster was up: %v", err)
		case <-deadline:
			_ = child.Process.Kill()
			<-exited
			return fmt.Errorf("the child's cluster was not up after 5 minutes")
		case <-time.After(time.Second):
			_, err := os.Stat(ready)
			up = err == nil
		}
	}
	clusterDir, _ := os.ReadFile(ready)
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	<-exited
	// The guardian's last act is removing the child's scratch directory
	// (the cluster directory's parent): wait for it, so the checks below
	// see the finished cleanup, not one in progress.
	dir := strings.TrimSpace(string(clusterDir))
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(time.Second) {
		if _, err := os.Stat(filepath.Dir(dir)); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the guardian did not finish its cleanup of %s in 3 minutes", filepath.Dir(dir))
		}
	}
	if err := machineAsBefore(root, dir, before, 30*time.Second); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "realpods: a SIGKILLed test process left nothing behind (cluster up, kill, guardian's down: %s)\n",
		time.Since(start).Round(time.Second))
	return nil
}

// runChild starts a cluster with real nodes, reports where, and waits to be
// killed.
func runChild(ready string) int {
	root, err := localcluster.RepoRoot()
	if err != nil {
		return fail("%v", err)
	}
	tmp, err := os.MkdirTemp("", "ordinal-realpods-child-")
	if err != nil {
		return fail("%v", err)
	}
	dir := filepath.Join(tmp, "cluster")
	if _, err := localcluster.StartWith(root, dir, tmp, "realpods child", nodesEnv(childNodes)); err != nil {
		return fail("%v", err)
	}
	if err := os.WriteFile(ready, []byte(dir), 0o644); err != nil {
		return fail("%v", err)
	}
	time.Sleep(time.Hour)
	return 1
}
