//go:build e2e

package realpods

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	projectedconfig "github.com/ordinal-dev/ordinal/examples/projected-config"
)

// TestProjectedDirectory deploys examples/projected-config and reads the
// merged directory inside the running pod: the Secret item (mode 0400 in
// the spec; with the pod's fsGroup the kubelet adds group read: 0440, never
// readable by others), the downward-API labels, annotations and limits.cpu
// in millicores, and the ConfigMap item at its path; the directory is
// read-only.
func TestProjectedDirectory(t *testing.T) {
	useNodeGroup(t, examplesGroup)
	ns := restrictedNamespace(t, "rp-projected")
	s := env.InlineStack(t, "projected", projectedconfig.Program)
	s.SetConfig(map[string]string{"namespace": ns, "configValue": "log-level=debug"})
	s.SetSecretConfig(map[string]string{"username": "alice"})
	s.Up("first")
	waitPodsReady(t, ns, projectedconfig.Name, 1)
	pod, c := projectedconfig.Name+"-0", projectedconfig.ContainerName
	read := func(file string) string {
		return env.MustExec(t, ns, pod, c, "cat", projectedconfig.MountPath+"/"+file)
	}
	assert.Equal(t, "alice", read("my-group/my-username"), "the Secret item")
	assert.Equal(t, "log-level=debug", read("my-group/my-config"), "the ConfigMap item at its path")
	assert.Equal(t, "250", read("cpu_limit"), "limits.cpu in millicores")
	labels := read("labels")
	assert.Contains(t, labels, `tier="demo"`)
	assert.Contains(t, labels, `statefulset.kubernetes.io/pod-name="`+pod+`"`)
	assert.Contains(t, read("annotations"), `example.com/build="proposal-example"`)
	mode := env.MustExec(t, ns, pod, c, "stat", "-L", "-c", "%a", projectedconfig.MountPath+"/my-group/my-username")
	assert.Equal(t, "440", strings.TrimSpace(mode), "the Secret file: owner and fsGroup read, nothing for others")
	_, err := env.Exec(ns, pod, c, "sh", "-c", "echo x > "+projectedconfig.MountPath+"/new")
	assert.Error(t, err, "the projected directory is read-only")
}
