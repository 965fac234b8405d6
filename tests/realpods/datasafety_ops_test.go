//go:build e2e

package realpods

import (
	"fmt"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

// The operations of the data-safety suite, each usable with any engine.

// podDelete deletes the pod pick chooses and waits for its replacement.
func podDelete(what string, pick func(r *safetyRun) string) safetyOp {
	return safetyOp{name: "pod delete (" + what + ")", run: func(r *safetyRun) string {
		pod := pick(r)
		since := time.Now()
		env.MustKubectl(r.t, "delete", "pod", "-n", r.ns, pod, "--wait=true")
		r.waitRestarted(pod, since)
		return "deleted " + pod
	}}
}

// nodeRestart stops the node of pod pick chooses (kubelet and containerd,
// every container on it killed), starts it again, and waits until the pod
// runs again.
func nodeRestart(pick func(r *safetyRun) string) safetyOp {
	return safetyOp{name: "node restart", run: func(r *safetyRun) string {
		pod := pick(r)
		var p corev1.Pod
		env.GetJSON(r.t, &p, "pod", "-n", r.ns, pod)
		node := p.Spec.NodeName
		index, ok := strings.CutPrefix(node, "node-")
		require.True(r.t, ok, "%s runs on %s, not a real node", pod, node)
		since := time.Now()
		clusterScript(r.t, "node-stop", index)
		time.Sleep(5 * time.Second)
		clusterScript(r.t, "node-start", index)
		r.waitRestarted(pod, since)
		return fmt.Sprintf("%s (%s) stopped 5 s", node, pod)
	}}
}

// rollingChange applies config with `up` and checks that every pod
// restarted (the change rolled through the cluster) by the time `up`
// returned.
func rollingChange(name string, config map[string]string) safetyOp {
	return safetyOp{name: name, run: func(r *safetyRun) string {
		since := time.Now()
		r.upAndWait(name, config)
		for i := 0; i < r.replicas; i++ {
			r.waitRestarted(fmt.Sprintf("%s-%d", r.name, i), since)
		}
		return ""
	}}
}

// imageRoll rolls every pod to image; by the time `up` returns each one
// runs it (checked inside the container).
func imageRoll(container, image string) safetyOp {
	return safetyOp{name: "image roll to " + image, run: func(r *safetyRun) string {
		r.upAndWait("image "+image, map[string]string{"image": image})
		for pod, img := range r.images(container) {
			assert.Equal(r.t, image, img, "%s runs %s when up returns", pod, image)
		}
		return ""
	}}
}

// phasedRollout moves the cluster to image one ordinal per `up`, highest
// first, with the StatefulSet's partition; after each step exactly the
// pods at or above the partition run the new image.
func phasedRollout(container, image string) safetyOp {
	return safetyOp{name: "phased rollout to " + image + " (partition n-1 … 0)", run: func(r *safetyRun) string {
		old := r.images(container)
		for p := r.replicas - 1; p >= 0; p-- {
			r.upAndWait(fmt.Sprintf("partition %d", p), map[string]string{"image": image, "partition": fmt.Sprint(p)})
			waitPodsReady(r.t, r.ns, r.name, r.replicas)
			for pod, img := range r.images(container) {
				var ord int
				fmt.Sscanf(strings.TrimPrefix(pod, r.name+"-"), "%d", &ord)
				want := old[pod]
				if ord >= p {
					want = image
				}
				assert.Equal(r.t, want, img, "partition %d: image of %s", p, pod)
			}
			// A record written between two steps must survive the rest.
			keys := recordKeys(fmt.Sprintf("partition%d", p), 10)
			r.store.write(r.t, keys)
			r.written = append(r.written, keys...)
		}
		return fmt.Sprintf("%d ups, 10 records written between steps", r.replicas)
	}}
}

// rollInBackground applies config with an `up` run in the background and
// returns once the StatefulSet's new revision is rolling; the channel
// yields the up's error.
func (r *safetyRun) rollInBackground(what string, config map[string]string) <-chan error {
	rev := r.statefulSet().Status.UpdateRevision
	upErr := r.stack.Background(what, config)
	r.rolloutStarted(upErr, rev)
	return upErr
}

// killedUp starts an `up` that applies config, SIGKILLs the CLI and its
// plugins once the StatefulSet's rollout has started, recovers as the
// README says, and runs `up` again.
func killedUp(config map[string]string) safetyOp {
	return safetyOp{name: "SIGKILL of `up` mid-rollout, then `up`", run: func(r *safetyRun) string {
		upErr := r.rollInBackground("to be killed mid-rollout", config)
		killed := r.killUp(upErr)
		pending := r.stack.Recover("after the SIGKILL")
		r.stack.Up("after the killed up")
		return fmt.Sprintf("%d processes killed; %d pending operations cleared", len(killed), len(pending))
	}}
}

// killUp SIGKILLs the stack's pulumi CLI and its plugins, by PID (not the
// CLIs of the suites running beside it), and waits for
// the killed `up` (its error on upErr) to report a failure; it returns the
// PIDs killed.
func (r *safetyRun) killUp(upErr <-chan error) []int {
	killed := r.stack.KillCLI(r.t)
	require.NotEmpty(r.t, killed, "no pulumi CLI to kill")
	select {
	case err := <-upErr:
		require.Error(r.t, err, "the killed up reports a failure")
	case <-time.After(2 * time.Minute):
		require.FailNow(r.t, "the killed up did not return within 2m")
	}
	return killed
}

// apiServerRestart restarts kube-apiserver while an `up` that applies
// config waits for its rollout; when that `up` fails, a second one
// finishes (the note says which happened).
func apiServerRestart(config map[string]string) safetyOp {
	return safetyOp{name: "API-server restart mid-`up`", exclusive: true, run: func(r *safetyRun) string {
		upErr := r.rollInBackground("API server restarted under it", config)
		clusterScript(r.t, "restart-apiserver")
		if err := <-upErr; err != nil {
			first, _, _ := strings.Cut(err.Error(), "\n")
			r.t.Logf("the up under the restart failed: %s", first)
			r.stack.Recover("after the failed up")
			r.stack.Up("after the API-server restart")
			return "that `up` failed; the next `up` finished"
		}
		return "`up` rode through the restart"
	}}
}

// statefulSetReplacement changes a claim-template label (immutable):
// `up` replaces the StatefulSet, the new one adopts the running pods.
func statefulSetReplacement(config map[string]string) safetyOp {
	return safetyOp{name: "StatefulSet replacement (claim-template label)", run: func(r *safetyRun) string {
		before := r.statefulSet().UID
		pods := r.podUIDs()
		r.upAndWait("claim-template label", config)
		assert.NotEqual(r.t, before, r.statefulSet().UID, "the StatefulSet was replaced")
		after := r.podUIDs()
		assert.Equal(r.t, pods, after, "the new StatefulSet adopted the running pods")
		return "pods adopted, none restarted"
	}}
}

// claimGrowth raises the data claim's size to size: every claim asks for
// it (the API server accepted the growth on the expandable class), the
// StatefulSet is re-created with the new template, and no pod restarts.
// Nothing resizes a local volume: the file systems keep their size, which
// is the storage driver's part.
func claimGrowth(size string) safetyOp {
	return safetyOp{name: "claim growth to " + size, run: func(r *safetyRun) string {
		before := r.statefulSet().UID
		pods := r.podUIDs()
		r.upAndWait("claim size "+size, map[string]string{"claimSize": size})
		sts := r.statefulSet()
		assert.NotEqual(r.t, before, sts.UID, "the StatefulSet was re-created with the new template")
		assert.Equal(r.t, size, sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String())
		for i := 0; i < r.replicas; i++ {
			var pvc corev1.PersistentVolumeClaim
			env.GetJSON(r.t, &pvc, "pvc", "-n", r.ns, fmt.Sprintf("%s-%s-%d", sts.Spec.VolumeClaimTemplates[0].Name, r.name, i))
			assert.Equal(r.t, size, pvc.Spec.Resources.Requests.Storage().String(), "claim %s grew", pvc.Name)
		}
		after := r.podUIDs()
		assert.Equal(r.t, pods, after, "no pod restarted")
		return fmt.Sprintf("%d claims grown in place, pods kept", r.replicas)
	}}
}

// destroyThenUp destroys the stack and deploys it again with the same
// names: destroy deletes the pods and keeps the claims and volumes, which
// bind the new pods again.
func destroyThenUp() safetyOp {
	return safetyOp{name: "`destroy`, then `up` with the same names", run: func(r *safetyRun) string {
		r.stack.Destroy("destroy")
		assert.Empty(r.t, clusterPods(r.t, r.ns, r.name), "destroy deletes the pods before it returns")
		assert.Equal(r.t, r.claims, r.podClaims(), "destroy keeps every claim and volume")
		r.stack.Up("up again")
		return "pods deleted by destroy, started again on their claims"
	}}
}
