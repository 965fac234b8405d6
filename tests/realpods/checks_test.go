//go:build e2e

package realpods

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/tests/internal/harness"
)

// clusterDir is the suite's cluster directory (scripts/cluster.sh state).
var clusterDir string

// waitReady bounds how long pods may take to pass their real probes.
const waitReady = 4 * time.Minute

// restrictedNamespace creates a namespace that enforces Pod Security
// "restricted": every pod of a test must be admitted there, and its
// database must be able to write its volume under that security context.
func restrictedNamespace(t *testing.T, name string) string {
	return env.Namespace(t, name, map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/warn":    "restricted",
	})
}

func podSelector(name string) string {
	return "app.kubernetes.io/instance=" + name + ",app.kubernetes.io/component=database"
}

// clusterPods lists a cluster's pods by name.
func clusterPods(t *testing.T, ns, name string) map[string]corev1.Pod {
	t.Helper()
	var list corev1.PodList
	env.GetJSON(t, &list, "pods", "-n", ns, "-l", podSelector(name))
	out := map[string]corev1.Pod{}
	for _, p := range list.Items {
		out[p.Name] = p
	}
	return out
}

func ready(p corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// waitPodsReady waits until pods <sts>-0..n-1 are Ready through their real
// probes and returns them.
func waitPodsReady(t *testing.T, ns, sts string, n int) map[string]corev1.Pod {
	t.Helper()
	var ps map[string]corev1.Pod
	harness.Eventually(t, waitReady, fmt.Sprintf("%d pods of %s Ready", n, sts), func() (bool, string) {
		ps = clusterPods(t, ns, sts)
		var seen []string
		ok := len(ps) == n
		for i := 0; i < n; i++ {
			p, found := ps[fmt.Sprintf("%s-%d", sts, i)]
			if !found || !ready(p) {
				ok = false
			}
			if found {
				seen = append(seen, fmt.Sprintf("%s %s ready=%v", p.Name, p.Status.Phase, ready(p)))
			}
		}
		return ok, strings.Join(seen, "; ")
	})
	return ps
}

// probePod starts a pod of the base image (busybox: nslookup, nc) in ns
// under the restricted profile, for checks made from another pod.
func probePod(t *testing.T, ns string) string {
	t.Helper()
	const name = "probe"
	manifest := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: %s, namespace: %s}
spec:
  terminationGracePeriodSeconds: 1
  securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: probe
    image: localhost/base:1
    command: [sleep, "3600"]
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`, name, ns)
	_, err := env.KubectlIn([]byte(manifest), "apply", "-f", "-")
	require.NoError(t, err)
	harness.Eventually(t, time.Minute, "probe pod Ready", func() (bool, string) {
		var p corev1.Pod
		out, err := env.Kubectl("get", "pod", "-n", ns, name, "-o", "json")
		if err != nil {
			return false, err.Error()
		}
		if err := json.Unmarshal(out, &p); err != nil {
			return false, err.Error()
		}
		return ready(p), string(p.Status.Phase)
	})
	return name
}

// lookup resolves host with nslookup from the probe pod and returns the
// addresses of the answer.
func lookup(t *testing.T, ns, probe, host string) []string {
	t.Helper()
	out, err := env.Exec(ns, probe, "", "nslookup", host)
	require.NoError(t, err, "nslookup %s from a pod", host)
	var addrs []string
	answer := false
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "Name:") {
			answer = true
		}
		if answer && strings.HasPrefix(l, "Address") {
			f := strings.Fields(l)
			addrs = append(addrs, f[len(f)-1])
		}
	}
	return addrs
}

// httpGet sends an HTTP/1.0 GET from the probe pod with nc and returns the body.
func httpGet(t *testing.T, ns, probe, host string, port int, path string) string {
	t.Helper()
	out, err := env.Exec(ns, probe, "", "sh", "-c",
		fmt.Sprintf(`printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' | nc -w 5 %s %d`, path, host, host, port))
	require.NoError(t, err, "GET http://%s:%d%s from a pod", host, port, path)
	_, body, found := strings.Cut(out, "\r\n\r\n")
	require.True(t, found, "not an HTTP response: %q", out)
	return body
}

// nodePath is where path (under /mnt/disks) of real node node is on this
// machine: each node's /mnt/disks is a directory of the cluster's own.
func nodePath(t *testing.T, node, path string) string {
	t.Helper()
	dir, err := hostPath(node, path)
	require.NoError(t, err, "cluster.sh node-path %s %s", node, path)
	return dir
}

// hostPath asks `cluster.sh node-path` where path of node is on this machine.
func hostPath(node, path string) (string, error) {
	cmd := exec.Command("bash", filepath.Join(env.Root, "scripts", "cluster.sh"), "node-path", node, path)
	cmd.Env = append(os.Environ(), "ORDINAL_CLUSTER_DIR="+clusterDir)
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// volumeHostDir is the host directory of the local PV bound to a pod's
// claim: <node-path of the PV's spec.local.path on the pod's node>.
func volumeHostDir(t *testing.T, ns, claim string, pod corev1.Pod) string {
	t.Helper()
	var pvc corev1.PersistentVolumeClaim
	env.GetJSON(t, &pvc, "pvc", "-n", ns, claim)
	require.NotEmpty(t, pvc.Spec.VolumeName, "claim %s is not bound", claim)
	var pv corev1.PersistentVolume
	env.GetJSON(t, &pv, "pv", pvc.Spec.VolumeName)
	require.NotNil(t, pv.Spec.Local, "PV %s is not a local volume", pv.Name)
	return nodePath(t, pod.Spec.NodeName, pv.Spec.Local.Path)
}

// wipeDisks empties the node directories a test's pools used, when it
// ends, as an admin recycles disks (the PVs are deleted with them).
func wipeDisks(t *testing.T, pool, diskPath string) {
	t.Cleanup(func() {
		sel := "app.kubernetes.io/instance=" + pool
		_, _ = env.Kubectl("delete", "pv", "-l", sel, "--wait=false", "--ignore-not-found")
		_, _ = env.Kubectl("delete", "storageclass", "-l", sel, "--wait=false", "--ignore-not-found")
		for i := 0; i < realNodes; i++ {
			dir, err := hostPath(fmt.Sprintf("node-%d", i), diskPath)
			if err != nil {
				continue
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				_ = os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
	})
}

// fqdn is a pod's stable DNS name.
func fqdn(pod, svc, ns string) string { return pod + "." + svc + "." + ns + ".svc.cluster.local" }
