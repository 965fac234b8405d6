//go:build e2e

package realpods

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/examples/etcd"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// etcdctl runs etcdctl inside an etcd pod against the given endpoints.
func etcdctl(t *testing.T, ns, pod string, endpoints []string, args ...string) string {
	t.Helper()
	cmd := append([]string{"etcdctl", "--endpoints=" + strings.Join(endpoints, ","), "--command-timeout=10s"}, args...)
	return env.MustExec(t, ns, pod, "etcd", cmd...)
}

// TestEtcdCluster deploys examples/etcd (every member a peer) on the real
// nodes in a restricted namespace and checks with etcdctl from inside:
// three started members named after the pods, exactly one leader among
// the endpoints, a key written through one member read through another,
// DNS names resolving to the pods, and each member's data on its node's
// disk. Rolls, restarts and faults are TestEtcdDataSafety's.
func TestEtcdCluster(t *testing.T) {
	useNodeGroup(t, examplesGroup)
	ns := restrictedNamespace(t, "rp-etcd")
	const name, disk = "etcd", "/mnt/disks/ssd1"
	wipeDisks(t, name+"-disks", disk)
	s := env.InlineStack(t, "etcd", etcd.Program)
	s.SetConfig(map[string]string{"namespace": ns, "name": name, "diskPath": disk})
	s.Up("first")
	ps := waitPodsReady(t, ns, name, 3)

	out := s.Outputs()
	var endpoints []string
	for i := 0; i < 3; i++ {
		endpoints = append(endpoints, fmt.Sprintf("http://%s:%d", fqdn(fmt.Sprintf("%s-%d", name, i), name, ns), engines.EtcdClientPort))
	}
	assert.Equal(t, engines.EtcdInitialCluster(name, name, 1), out["initialCluster"], "the founding member; the others joined it")

	var members struct {
		Members []struct {
			Name     string   `json:"name"`
			PeerURLs []string `json:"peerURLs"`
		} `json:"members"`
	}
	require.NoError(t, json.Unmarshal([]byte(etcdctl(t, ns, name+"-0", endpoints[:1], "member", "list", "-w", "json")), &members))
	var names []string
	for _, m := range members.Members {
		names = append(names, m.Name)
	}
	assert.ElementsMatch(t, []string{name + "-0", name + "-1", name + "-2"}, names, "every pod is a started member")

	var status []etcdEndpointStatus
	require.NoError(t, json.Unmarshal([]byte(etcdctl(t, ns, name+"-1", endpoints, "endpoint", "status", "-w", "json")), &status))
	require.Len(t, status, 3, "every endpoint answers")
	leaders := map[uint64]bool{}
	self := 0
	for _, s := range status {
		leaders[s.Status.Leader] = true
		if s.Status.Leader == s.Status.Header.MemberID {
			self++
		}
	}
	assert.Len(t, leaders, 1, "all members agree on one leader: %+v", status)
	assert.Equal(t, 1, self, "exactly one member is the leader")

	etcdctl(t, ns, name+"-0", endpoints[:1], "put", "/ordinal/e2e", "written-through-0")
	got := etcdctl(t, ns, name+"-2", endpoints[2:], "get", "/ordinal/e2e", "--print-value-only")
	assert.Equal(t, "written-through-0", strings.TrimSpace(got), "a key written through member 0 is read through member 2")

	probe := probePod(t, ns)
	for i := 0; i < 3; i++ {
		pod := ps[fmt.Sprintf("%s-%d", name, i)]
		assert.Equal(t, []string{pod.Status.PodIP}, lookup(t, ns, probe, fqdn(pod.Name, name, ns)), "DNS name of %s", pod.Name)
		dir := volumeHostDir(t, ns, engines.DataClaimName+"-"+pod.Name, pod)
		_, err := os.Stat(filepath.Join(dir, "data", "member", "wal"))
		assert.NoError(t, err, "the write-ahead log of %s on the disk of %s", pod.Name, pod.Spec.NodeName)
	}
}
