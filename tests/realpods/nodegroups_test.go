//go:build e2e

package realpods

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// The suite's tests run side by side, each on a node group: three real
// nodes that only its pods use while it runs (its volumes are there, and
// its pods and Jobs select the group's label), so that one test's node
// restart or node loss never touches another test's pods. Group 0
// (node-0..2, where the examples' pools are) is for the examples and the
// MariaDB suite, one test at a time; groups 1 and 2 (etcd's and
// ZooKeeper's suites) are tainted as well, so that no pod of another test
// (a Job, a probe) lands there.
//
// One operation touches the whole cluster: the API-server restart. The
// suites hold clusterGate shared from their start to the end of their
// cleanups, and let go of it between two operations (safetyRun.do); an
// operation marked exclusive takes it alone, so it waits until every
// other suite is between two operations, and they wait for it.
//
// Contract: a test that calls useNodeGroup(t, i) runs alone on group i
// until its cleanups are done; tests on different groups run at the
// same time; nothing of the API-server restart reaches another test's
// `up`, client or cleanup.

// nodeGroupSize is the nodes of a group; nodeGroups the groups.
const (
	nodeGroupSize = 3
	nodeGroups    = 3
)

// Node groups of the tests.
const (
	examplesGroup  = 0 // the examples and the MariaDB suite
	etcdGroup      = 1
	zooKeeperGroup = 2
)

// nodeGroupLabel marks the nodes of a group (value: its index), and,
// past group 0, taints them (NoSchedule): the data-safety suites' pods and
// Jobs select the label and tolerate the taint.
const nodeGroupLabel = "ordinal.dev/test-node-group"

// nodeGroup is a group's index and nodes.
type nodeGroup struct {
	index   int
	indices []int
}

// nodes are the group's node names.
func (g nodeGroup) nodes() []string {
	var out []string
	for _, i := range g.indices {
		out = append(out, fmt.Sprintf("node-%d", i))
	}
	return out
}

// value is the group's label value.
func (g nodeGroup) value() string { return fmt.Sprint(g.index) }

// mark labels (and past group 0 taints) the group's nodes, again after a
// node was deleted and registered anew, which loses both.
func (g nodeGroup) mark(t *testing.T) {
	t.Helper()
	args := append([]string{"label", "node", "--overwrite"}, g.nodes()...)
	env.MustKubectl(t, append(args, nodeGroupLabel+"="+g.value())...)
	if g.index != examplesGroup {
		args = append([]string{"taint", "node", "--overwrite"}, g.nodes()...)
		env.MustKubectl(t, append(args, nodeGroupLabel+"="+g.value()+":NoSchedule")...)
	}
}

// nodeBack waits until node, deleted and registered anew by its
// restarted kubelet, is Ready, and marks the group again: a new Node has
// neither the label nor the taint.
func (g nodeGroup) nodeBack(t *testing.T, node string) {
	t.Helper()
	harness.Eventually(t, 2*time.Minute, node+" registered again and Ready", func() (bool, string) {
		out, err := env.Kubectl("get", "node", node, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")
		return err == nil && strings.TrimSpace(string(out)) == "True", string(out)
	})
	g.mark(t)
}

var (
	groupLocks [nodeGroups]sync.Mutex
	// clusterGate: see the top of this file.
	clusterGate sync.RWMutex
)

// useNodeGroup makes t parallel, waits until group i is free, marks its
// nodes, and holds the group and the shared gate until the test's
// cleanups are done; call it first, before anything that registers a
// cleanup.
func useNodeGroup(t *testing.T, i int) nodeGroup {
	t.Helper()
	t.Parallel()
	groupLocks[i].Lock()
	t.Cleanup(groupLocks[i].Unlock)
	clusterGate.RLock()
	t.Cleanup(clusterGate.RUnlock)
	g := nodeGroup{index: i}
	for n := 0; n < nodeGroupSize; n++ {
		g.indices = append(g.indices, i*nodeGroupSize+n)
	}
	g.mark(t)
	t.Logf("on node group %d: %s", i, strings.Join(g.nodes(), ", "))
	return g
}

// betweenOperations lets an exclusive operation of another suite run.
func betweenOperations() {
	clusterGate.RUnlock()
	clusterGate.RLock()
}

// alone runs f while no other suite does anything (the shared hold is
// given back and taken again, also when f fails the test).
func alone(f func()) {
	clusterGate.RUnlock()
	clusterGate.Lock()
	defer func() {
		clusterGate.Unlock()
		clusterGate.RLock()
	}()
	f()
}
