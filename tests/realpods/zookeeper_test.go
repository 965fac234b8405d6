//go:build e2e

package realpods

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// zkMode asks a ZooKeeper server, inside its pod, what it is (`srvr`).
func zkMode(t *testing.T, ns, pod string) string {
	t.Helper()
	out, err := env.Exec(ns, pod, "zookeeper", "bash", "-c",
		"exec 3<>/dev/tcp/127.0.0.1/2181; printf srvr >&3; cat <&3")
	require.NoError(t, err, "srvr on %s", pod)
	for _, l := range strings.Split(out, "\n") {
		if m, ok := strings.CutPrefix(strings.TrimSpace(l), "Mode: "); ok {
			return m
		}
	}
	return "not serving: " + strings.TrimSpace(out)
}

// assertZooKeeperQuorum checks that the servers form one ensemble: exactly
// one leader, every other server a follower.
func assertZooKeeperQuorum(t *testing.T, ns, sts string, replicas int) {
	t.Helper()
	modes := map[string]int{}
	for i := 0; i < replicas; i++ {
		pod := fmt.Sprintf("%s-%d", sts, i)
		m := zkMode(t, ns, pod)
		t.Logf("%s: %s", pod, m)
		modes[m]++
	}
	assert.Equal(t, map[string]int{"leader": 1, "follower": replicas - 1}, modes, "one quorum with every server")
}

// checkZooKeeperEnsemble checks, from inside, the ensemble name of three
// servers in ns that the examples/zookeeper program deployed: one leader
// and two followers, zoo.cfg as the profile writes it, a znode written
// through one server read through another, every server's DNS name
// resolving to its pod from another pod, myid and the transaction log on
// the local volume's directory of the node the pod runs on, and one server
// per node.
func checkZooKeeperEnsemble(t *testing.T, ns, name string) {
	ps := waitPodsReady(t, ns, name, 3)
	assertZooKeeperQuorum(t, ns, name, 3)

	cfg := env.MustExec(t, ns, name+"-0", "zookeeper", "cat", engines.ZooKeeperConfigDir+"/zoo.cfg")
	for i := 0; i < 3; i++ {
		assert.Contains(t, cfg, fmt.Sprintf("server.%d=%s-%d.%s-hs:2888:3888", i+1, name, i, name), "zoo.cfg in the projected directory")
	}

	out := env.MustExec(t, ns, name+"-0", "zookeeper", "zkCli.sh", "-server", "127.0.0.1:2181", "create", "/ordinal-e2e", "written-on-0")
	t.Logf("create: %s", strings.TrimSpace(out))
	out = env.MustExec(t, ns, name+"-2", "zookeeper", "zkCli.sh", "-server", "127.0.0.1:2181", "get", "/ordinal-e2e")
	assert.Contains(t, out, "written-on-0", "a znode written through server 1 is read through server 3")

	probe := probePod(t, ns)
	for i := 0; i < 3; i++ {
		pod := ps[fmt.Sprintf("%s-%d", name, i)]
		assert.Equal(t, []string{pod.Status.PodIP}, lookup(t, ns, probe, fqdn(pod.Name, name+"-hs", ns)), "DNS name of %s", pod.Name)

		dir := volumeHostDir(t, ns, fmt.Sprintf("%s-%s", engines.DataClaimName, pod.Name), pod)
		myid, err := os.ReadFile(filepath.Join(dir, "data", "myid"))
		require.NoError(t, err, "myid on the local volume of %s (node %s)", pod.Name, pod.Spec.NodeName)
		assert.Equal(t, fmt.Sprint(i+1), strings.TrimSpace(string(myid)), "myid of %s on its node's disk", pod.Name)
		snaps, _ := filepath.Glob(filepath.Join(dir, "data", "version-2", "*"))
		assert.NotEmpty(t, snaps, "ZooKeeper's transaction log on the disk of %s", pod.Spec.NodeName)
	}
	nodes := map[string]bool{}
	for _, p := range ps {
		nodes[p.Spec.NodeName] = true
	}
	assert.Len(t, nodes, 3, "hard anti-affinity: one server per node")
}

// changed counts the non-"same" operations of an update.
func changed(summary *map[string]int) int {
	if summary == nil {
		return 0
	}
	n := 0
	for op, c := range *summary {
		if op != "same" {
			n += c
		}
	}
	return n
}
