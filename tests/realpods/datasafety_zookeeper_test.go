//go:build e2e

package realpods

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// TestZooKeeperDataSafety runs the data-safety suite on a ZooKeeper
// ensemble of real pods in a restricted namespace: its membership changes
// (3 → 5 → 3: the static server list, rolled through every server), then
// the operations and faults of the other engines on three servers.
func TestZooKeeperDataSafety(t *testing.T) {
	r := &safetyRun{t: t, engine: "ZooKeeper", name: "sfzk", replicas: 3, group: useNodeGroup(t, zooKeeperGroup)}
	r.ns = restrictedNamespace(t, "rp-safety-zk")
	r.deploy(zooKeeperSafetySpec, nil)
	name := r.name
	store := zkStore{ns: r.ns, name: name, replicas: &r.replicas, written: &r.written}
	r.store = store
	leader := func(r *safetyRun) string { return store.leaderPod(r.t) }
	server1 := func(r *safetyRun) string { return name + "-1" }
	ops := []safetyOp{
		zkScale(3, 5),
		zkScale(5, 3),
		zkRefusedScale(3, 1, "to 2 first"),
		podDelete("the leader", leader),
		nodeRestart(server1),
		rollingChange("config change that rolls pods (zoo.cfg setting)", map[string]string{"extraArgs": "maxClientCnxns=70"}),
		imageRoll("zookeeper", "localhost/zookeeper:2"),
		phasedRollout("zookeeper", "localhost/zookeeper:1"),
		killedUp(map[string]string{"image": "localhost/zookeeper:2"}),
		apiServerRestart(map[string]string{"extraArgs": "maxClientCnxns=80"}),
		statefulSetReplacement(map[string]string{"claimLabel": "tier=gold"}),
		claimGrowth("2Gi"),
		destroyThenUp(),
		nodeLoss(name+"-disks", server1),
	}
	r.run(ops)
}

// zkScale changes the ensemble from from to to servers with one `up`.
// ZooKeeper's membership is static (engines.ZooKeeper): the new server
// list rolls through every server that stays, and the new servers start
// with it. Checked from inside: every server's zoo.cfg lists exactly the
// new servers and every one that stays restarted with it; departing
// servers' claims and volumes stay.
func zkScale(from, to int) safetyOp {
	return safetyOp{name: fmt.Sprintf("scale %d → %d", from, to), run: func(r *safetyRun) string {
		require.Equal(r.t, from, r.replicas, "the ensemble runs %d servers before the scale", from)
		since := time.Now()
		r.upAndWait(fmt.Sprintf("replicas %d", to), map[string]string{"replicas": fmt.Sprint(to)})
		log := r.membershipLog(to)
		assert.Contains(r.t, log, fmt.Sprintf("the ensemble has %d servers; the StatefulSet is to run %d", from, to), "the membership Job checked the step")
		assert.Contains(r.t, log, "safe: ", "the membership Job let the step through")
		r.replicas = to
		for i := 0; i < to; i++ {
			pod := fmt.Sprintf("%s-%d", r.name, i)
			if i < from {
				r.waitRestarted(pod, since)
			}
			cfg := env.MustExec(r.t, r.ns, pod, "zookeeper", "cat", engines.ZooKeeperConfigDir+"/"+engines.ZooKeeperKeyConfig)
			assert.Equal(r.t, to, strings.Count(cfg, "\nserver."), "%s's zoo.cfg lists %d servers:\n%s", pod, to, cfg)
		}
		for i := to; i < from; i++ {
			pod := fmt.Sprintf("%s-%d", r.name, i)
			assert.Contains(r.t, log, "leaving: "+pod+"\n", "the membership Job named the departing server")
			assert.Equal(r.t, r.claims[pod], r.claimOf(pod), "%s's claim and volume outlive the scale-down", pod)
			r.retired[pod] = r.claims[pod]
			delete(r.claims, pod)
		}
		for i := from; i < to; i++ {
			pod := fmt.Sprintf("%s-%d", r.name, i)
			r.claims[pod] = r.claimOf(pod)
		}
		if to < from {
			return fmt.Sprintf("the new server list rolled through %d servers; the claims of %d departed servers kept", to, from-to)
		}
		return fmt.Sprintf("%d servers started with the new list, the new server list rolled through %d", to-from, from)
	}}
}

// zkRefusedScale asks for a step the membership Job must refuse (too
// many servers leaving or joining at once): `up` fails with the Job's
// advice (want), the StatefulSet keeps its replicas and every pod runs
// on; the stack's replicas are set back.
func zkRefusedScale(from, to int, want string) safetyOp {
	return safetyOp{name: fmt.Sprintf("scale %d → %d refused by the membership Job", from, to), run: func(r *safetyRun) string {
		require.Equal(r.t, from, r.replicas)
		pods := r.podUIDs()
		start := time.Now()
		_, err := r.stack.TryUp(fmt.Sprintf("replicas %d", to), map[string]string{"replicas": fmt.Sprint(to)})
		refusedIn := time.Since(start)
		require.Error(r.t, err, "scaling %d → %d at once is refused", from, to)
		assert.Contains(r.t, err.Error(), want, "up's error carries the Job's advice")
		assert.Equal(r.t, int32(from), *r.statefulSet().Spec.Replicas, "the StatefulSet keeps its replicas")
		after := r.podUIDs()
		assert.Equal(r.t, pods, after, "every pod runs on")
		r.stack.Recover("after the refused scale")
		r.stack.Up("replicas back", map[string]string{"replicas": fmt.Sprint(from)})
		msg := err.Error()
		if i := strings.Index(msg, "scaling ZooKeeper"); i >= 0 {
			msg, _, _ = strings.Cut(msg[i:], ";")
		}
		return fmt.Sprintf("refused in %s (%s), StatefulSet untouched", refusedIn.Round(time.Second), msg)
	}}
}
