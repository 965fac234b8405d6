//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// TestKilledUpRecovers kills the pulumi CLI and its provider plugin
// (SIGKILL, by pid) while the first `up` waits for the StatefulSet it has
// just created, then recovers the way the README documents:
//
//	pulumi cancel --yes                          (only if the stack is locked)
//	pulumi refresh --clear-pending-creates --yes
//	pulumi up --yes
//
// The up re-creates the objects whose creation was pending (server-side
// apply over the live ones, the StatefulSet forcing field ownership); no
// claim or volume is replaced, a second up and a refresh find nothing to
// change.
func TestKilledUpRecovers(t *testing.T) {
	ns := namespace(t, "e2e-killed-up", nil)
	p := defaultParams(ns, "killedup", "e2e-killedup-pool")
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "killedup", clusterProgram(p))

	done := step(t, "up killed once the StatefulSet exists")
	upErr := s.background("to be killed")
	start := time.Now()
	deadline := start.Add(waitTimeout)
	for {
		var sts appsv1.StatefulSet
		if err := tryGetJSON(&sts, "statefulset", "-n", ns, p.Name); err == nil {
			break
		}
		select {
		case err := <-upErr:
			require.FailNowf(t, "the up ended before it created the StatefulSet", "%v", err)
		default:
		}
		require.True(t, time.Now().Before(deadline), "the running up created no StatefulSet in %s", waitTimeout)
		time.Sleep(100 * time.Millisecond)
	}
	killed := harness.KillPulumiCLI(t)
	t.Logf("StatefulSet seen after %s; killed pulumi pids %v", time.Since(start).Round(100*time.Millisecond), killed)
	require.NotEmpty(t, killed, "no pulumi CLI process to kill")
	select {
	case err := <-upErr:
		require.Error(t, err, "the killed up reports a failure")
		t.Logf("the killed up returned: %s", tail(err.Error(), 5))
	case <-time.After(2 * time.Minute):
		require.FailNow(t, "the killed up did not return within 2m")
	}
	// The cluster goes on without Pulumi.
	ps := waitPodsReady(t, ns, p.Name, 3)
	before := assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps)
	var stsBefore appsv1.StatefulSet
	getJSON(t, &stsBefore, "statefulset", "-n", ns, p.Name)
	done()

	done = step(t, "recover: cancel, refresh --clear-pending-creates")
	t.Logf("locks after the kill: %v", s.h.Locks())
	pending := s.h.Recover("after the kill")
	t.Logf("pending operations after the kill: %v", pending)
	require.NotEmpty(t, pending, "the killed update left no pending operation (it was killed after it finished?)")
	stsPending := false
	for _, op := range pending {
		if strings.HasPrefix(op, string(apitype.OperationTypeCreating)+" ") && strings.Contains(op, "kubernetes:apps/v1:StatefulSet::") {
			stsPending = true
		}
	}
	assert.True(t, stsPending, "the StatefulSet's create is pending: %v", pending)
	done()

	done = step(t, "up converges")
	res := s.up("after recovery")
	t.Logf("recovery up steps: %v", res.Steps)
	ps = waitPodsReady(t, ns, p.Name, 3)
	assertSameClaims(t, before, assertClusterPlaced(t, ns, p.Name, "data", p.Pool, ps))
	assertInitOnce(t, ns, p.Name)
	var stsAfter appsv1.StatefulSet
	getJSON(t, &stsAfter, "statefulset", "-n", ns, p.Name)
	assert.Equal(t, stsBefore.UID, stsAfter.UID, "the up adopted the live StatefulSet instead of replacing it")
	res = s.up("second, unchanged")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "a second up changed something: %v %v", changes(res.Summary.ResourceChanges), res.Steps)
	s.refresh("state vs cluster", optrefresh.ExpectNoChanges())
	assertSameClaims(t, before, assertClusterPlaced(t, ns, p.Name, "data", p.Pool, waitPodsReady(t, ns, p.Name, 3)))
	done()
}
