//go:build e2e

package realpods

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// scale changes the replica count from from to to with one `up` and
// checks what the engine's membership Job did: on a scale-down it removed
// the departing members, highest first, before the StatefulSet deleted
// their pods (the Job's log, read from the cluster), and their claims
// and volumes stay; on a scale-up the new members joined (the suite's
// quorum check counts them), a pod that comes back finds its old claim,
// and a pod on a fresh claim got one of its own.
func scale(from, to int) safetyOp {
	return safetyOp{name: fmt.Sprintf("scale %d → %d", from, to), run: func(r *safetyRun) string {
		require.Equal(r.t, from, r.replicas, "the cluster runs %d members before the scale", from)
		r.upAndWait(fmt.Sprintf("replicas %d", to), map[string]string{"replicas": fmt.Sprint(to)})
		log := r.membershipLog(to)
		r.replicas = to
		if to < from {
			var order []string
			for i := from - 1; i >= to; i-- {
				pod := fmt.Sprintf("%s-%d", r.name, i)
				order = append(order, pod)
				assert.Contains(r.t, log, "removed "+pod+"\n", "the membership Job removed %s", pod)
				// The departing pod's claim and volume stay.
				assert.Equal(r.t, r.claims[pod], r.claimOf(pod), "%s's claim and volume outlive the scale-down", pod)
				r.retired[pod] = r.claims[pod]
				delete(r.claims, pod)
			}
			for i := 1; i < len(order); i++ {
				assert.Less(r.t, strings.Index(log, "removed "+order[i-1]+"\n"), strings.Index(log, "removed "+order[i]+"\n"),
					"highest ordinal first")
			}
			return fmt.Sprintf("the membership Job removed %s before the StatefulSet shrank; claims kept", strings.Join(order, ", "))
		}
		var back []string
		for i := from; i < to; i++ {
			pod := fmt.Sprintf("%s-%d", r.name, i)
			ids := r.claimOf(pod)
			if old, ok := r.retired[pod]; ok {
				assert.Equal(r.t, old, ids, "%s comes back on its old claim", pod)
				// Its old member's data was kept aside, and it joined anew.
				ls := env.MustExec(r.t, r.ns, pod, "etcd", "ls", engines.EtcdDataDir)
				assert.Contains(r.t, ls, "data.removed-", "%s kept its removed member's data aside", pod)
				back = append(back, pod)
				delete(r.retired, pod)
			}
			r.claims[pod] = ids
		}
		assert.Contains(r.t, log, "nothing to remove", "a scale-up removes no member")
		if len(back) > 0 {
			return fmt.Sprintf("%s joined anew on the old claims (the removed member's data kept aside)", strings.Join(back, ", "))
		}
		return fmt.Sprintf("%d new members joined on new claims", to-from)
	}}
}

// membershipLog is the log of the membership Job of a change to replicas.
func (r *safetyRun) membershipLog(replicas int) string {
	return string(env.MustKubectl(r.t, "logs", "-n", r.ns, fmt.Sprintf("job/%s-members-%d", r.name, replicas), "-c", "init"))
}

// claimOf is the identity of pod's data claim and volume.
func (r *safetyRun) claimOf(pod string) claimIDs {
	var pvc corev1.PersistentVolumeClaim
	env.GetJSON(r.t, &pvc, "pvc", "-n", r.ns, engines.DataClaimName+"-"+pod)
	var pv corev1.PersistentVolume
	env.GetJSON(r.t, &pv, "pv", pvc.Spec.VolumeName)
	return claimIDs{PVC: string(pvc.UID), PV: pv.Name, PVUID: string(pv.UID)}
}

// refusedScaleDown freezes the member of pod frozen (SIGSTOP of its etcd
// process on the host), so that removing a member would leave the
// cluster one failure from losing its quorum, and lowers the replicas
// from from to to: the membership Job refuses, fails at once, and so does
// `up`, with the reason, while the StatefulSet keeps every pod. Once the
// member runs again (SIGCONT, or the kubelet restarted it for failing
// its liveness probe), the next `up` carries the scale-down out.
func refusedScaleDown(from, to int, frozen string) safetyOp {
	return safetyOp{name: fmt.Sprintf("scale %d → %d with a member frozen: refused, then `up` again", from, to), run: func(r *safetyRun) string {
		require.Equal(r.t, from, r.replicas)
		pid := etcdHostPID(r.t, frozen)
		require.NoError(r.t, syscall.Kill(pid, syscall.SIGSTOP))
		resumed := false
		resume := func() {
			if !resumed {
				resumed = true
				// ESRCH: the kubelet has restarted the frozen container.
				if err := syscall.Kill(pid, syscall.SIGCONT); err != nil && err != syscall.ESRCH {
					assert.NoError(r.t, err)
				}
			}
		}
		defer resume()
		pods := r.podUIDs()
		r.stack.SetConfig(map[string]string{"replicas": fmt.Sprint(to)})
		start := time.Now()
		_, err := r.stack.TryUp("refused scale-down")
		refusedIn := time.Since(start)
		require.Error(r.t, err, "up fails when the membership Job refuses")
		assert.Contains(r.t, err.Error(), "no member leaves while one that stays is down", "up shows the refusal")
		sts := r.statefulSet()
		assert.Equal(r.t, int32(from), *sts.Spec.Replicas, "the StatefulSet keeps its replicas")
		after := r.podUIDs()
		assert.Equal(r.t, pods, after, "no pod was deleted")
		resume()
		waitPodsReady(r.t, r.ns, r.name, from)
		assert.Len(r.t, r.store.quorum(r.t).Members, from, "the refused removal removed nobody")

		r.stack.Up("scale-down again")
		r.replicas = to
		for i := to; i < from; i++ {
			pod := fmt.Sprintf("%s-%d", r.name, i)
			r.retired[pod] = r.claims[pod]
			delete(r.claims, pod)
		}
		msg := err.Error()
		msg, _, _ = strings.Cut(msg[strings.Index(msg, "the member at"):], " (")
		return fmt.Sprintf("refused in %s (%s does not answer), StatefulSet untouched; after SIGCONT the next `up` scaled down",
			refusedIn.Round(time.Second), strings.TrimSuffix(strings.TrimPrefix(msg, "the member at "), " does not answer"))
	}}
}

// etcdHostPID is the host PID of the etcd process of pod.
func etcdHostPID(t *testing.T, pod string) int {
	t.Helper()
	out, err := exec.Command("pgrep", "-f", "etcd --name="+pod+" ").Output()
	require.NoError(t, err, "pgrep the etcd of %s", pod)
	pids := strings.Fields(string(out))
	require.Len(t, pids, 1, "one etcd process of %s", pod)
	pid, err := strconv.Atoi(pids[0])
	require.NoError(t, err)
	return pid
}

// refusedScaleToZero asks for zero replicas: the program refuses it
// before registering anything (a single primary has no member to hand
// its data to), naming the field, and the pod keeps running.
func refusedScaleToZero() safetyOp {
	return safetyOp{name: "scale 1 → 0 refused before any change", run: func(r *safetyRun) string {
		pods := r.podUIDs()
		_, err := r.stack.TryUp("zero replicas", map[string]string{"replicas": "0"})
		require.Error(r.t, err, "zero replicas are refused")
		assert.Contains(r.t, err.Error(), "spec.replicas")
		assert.Contains(r.t, err.Error(), "must be >= 1")
		assert.Equal(r.t, int32(r.replicas), *r.statefulSet().Spec.Replicas, "the StatefulSet keeps its replicas")
		after := r.podUIDs()
		assert.Equal(r.t, pods, after, "the pod keeps running")
		r.stack.SetConfig(map[string]string{"replicas": fmt.Sprint(r.replicas)})
		msg := err.Error()
		msg, _, _ = strings.Cut(msg[strings.Index(msg, "spec.replicas"):], "\n")
		return "refused: " + msg
	}}
}

// killedScaleDown lowers the replicas from from to to with an `up` that
// is SIGKILLed (CLI and plugins, by PID) once the membership Job exists,
// recovers as the README says, and runs `up` again: the second `up`
// waits for the same Job (same UID) instead of starting the removal
// again, every departing member is removed exactly once, and only then
// does the StatefulSet shrink.
func killedScaleDown(from, to int) safetyOp {
	return safetyOp{name: fmt.Sprintf("SIGKILL of `up` while the membership Job runs (%d → %d), then `up`", from, to), run: func(r *safetyRun) string {
		require.Equal(r.t, from, r.replicas)
		jobName := fmt.Sprintf("%s-members-%d", r.name, to)
		upErr := r.stack.Background("to be killed while the membership Job runs", map[string]string{"replicas": fmt.Sprint(to)})
		var uid string
		harness.Eventually(r.t, 2*time.Minute, "the membership Job exists", func() (bool, string) {
			select {
			case err := <-upErr:
				require.FailNowf(r.t, "the up ended before the Job was created", "%v", err)
			default:
			}
			out, err := env.Kubectl("get", "job", "-n", r.ns, jobName, "-o", "jsonpath={.metadata.uid}")
			uid = strings.TrimSpace(string(out))
			return err == nil && uid != "", fmt.Sprint(err)
		})
		killed := r.killUp(upErr)
		assert.Equal(r.t, int32(from), *r.statefulSet().Spec.Replicas, "the StatefulSet did not shrink before the Job completed")
		pending := r.stack.Recover("after the SIGKILL")
		r.stack.Up("after the killed scale-down")
		out, err := env.Kubectl("get", "job", "-n", r.ns, jobName, "-o", "jsonpath={.metadata.uid}")
		require.NoError(r.t, err)
		assert.Equal(r.t, uid, strings.TrimSpace(string(out)), "the next up waited for the same Job")
		log := r.membershipLog(to)
		r.replicas = to
		for i := to; i < from; i++ {
			pod := fmt.Sprintf("%s-%d", r.name, i)
			assert.Equal(r.t, 1, strings.Count(log, "removing "+pod+" "), "%s removed exactly once", pod)
			r.retired[pod] = r.claims[pod]
			delete(r.claims, pod)
		}
		return fmt.Sprintf("%d processes killed, %d pending operations cleared; the next `up` waited for the same Job", len(killed), len(pending))
	}}
}
