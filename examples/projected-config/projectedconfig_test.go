package projectedconfig_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/examples/internal/exampletest"
	projectedconfig "github.com/ordinal-dev/ordinal/examples/projected-config"
)

func run(t *testing.T, opts ...ordinaltest.Option) (*ordinaltest.Recorder, map[string]any) {
	t.Helper()
	var stack *projectedconfig.Stack
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		c, err := projectedconfig.LoadConfig(ctx)
		if err != nil {
			return err
		}
		stack, err = projectedconfig.Deploy(ctx, c)
		return err
	}, opts...)
	return rec, exampletest.Outputs(t, stack.Outputs)
}

func TestAllInOneVolume(t *testing.T) {
	rec, out := run(t)
	sts := rec.Find(t, exampletest.StatefulSet, "projected-statefulset")
	assert.Equal(t, 1.0, sts.Get(t, "spec.replicas"))
	pod := "spec.template.spec."

	volumes := sts.Get(t, pod+"volumes").([]any)
	require.Len(t, volumes, 1, "one directory")
	vol := volumes[0].(map[string]any)
	assert.Equal(t, "all-in-one", vol["name"])
	assert.Equal(t, map[string]any{"name": "all-in-one", "mountPath": "/projected-volume", "readOnly": true},
		sts.Get(t, pod+"containers[0].volumeMounts[0]"))

	// The proposal's sources, each at its stated path.
	src := pod + "volumes[0].projected.sources"
	require.Len(t, sts.Get(t, src), 3)
	assert.Equal(t, map[string]any{
		"name":  "projected-mysecret",
		"items": []any{map[string]any{"key": "username", "path": "my-group/my-username", "mode": float64(0o400)}},
	}, sts.Get(t, src+"[0].secret"))
	assert.Equal(t, []any{
		map[string]any{"path": "labels", "fieldRef": map[string]any{"fieldPath": "metadata.labels"}},
		map[string]any{"path": "annotations", "fieldRef": map[string]any{"fieldPath": "metadata.annotations"}},
		map[string]any{"path": "cpu_limit", "resourceFieldRef": map[string]any{"containerName": "container-test", "resource": "limits.cpu", "divisor": "1m"}},
	}, sts.Get(t, src+"[1].downwardAPI.items"))
	assert.Equal(t, map[string]any{
		"name":  "projected-myconfigmap",
		"items": []any{map[string]any{"key": "config", "path": "my-group/my-config"}},
	}, sts.Get(t, src+"[2].configMap"))

	// The container: the local busybox image, a shell that only waits, and
	// a readiness that checks every projected file.
	assert.Equal(t, "localhost/base:1", sts.Get(t, pod+"containers[0].image"))
	assert.Equal(t, []any{"sh", "-c", projectedconfig.KeepAlive}, sts.Get(t, pod+"containers[0].command"))
	assert.Equal(t, []any{"sh", "-c", projectedconfig.ReadyScript()}, sts.Get(t, pod+"containers[0].readinessProbe.exec.command"))
	for _, f := range projectedconfig.Files() {
		assert.Contains(t, projectedconfig.ReadyScript(), "test -f /projected-volume/"+f)
	}

	// The container the cpu limit is read from exists and has the limit.
	assert.Equal(t, "container-test", sts.Get(t, pod+"containers[0].name"))
	assert.Equal(t, "250m", sts.Get(t, pod+"containers[0].resources.limits.cpu"))
	assert.Equal(t, "demo", sts.Get(t, `spec.template.metadata.labels["tier"]`))
	assert.Equal(t, "proposal-example", sts.Get(t, `spec.template.metadata.annotations["example.com/build"]`))

	// The objects the items come from; the username stays a secret.
	secret := rec.Find(t, exampletest.Secret, "projected-mysecret")
	assert.Equal(t, "admin", secret.Get(t, "stringData.username"))
	assert.True(t, secret.IsSecret("stringData.username"))
	cm := rec.Find(t, exampletest.ConfigMap, "projected-myconfigmap")
	assert.Equal(t, "log-level=info\nfeature-x=on\n", cm.Get(t, "data.config"))
	assert.Empty(t, rec.ByType(exampletest.PDB), "no budget for one replica")

	assert.Equal(t, exampletest.Strings("my-group/my-username", "labels", "annotations", "cpu_limit", "my-group/my-config"), out["files"])
	assert.Equal(t, "/projected-volume", out["mountPath"])
}

func TestConfig(t *testing.T) {
	rec, _ := run(t,
		ordinaltest.WithSecret("username", "dba"),
		ordinaltest.WithConfig(map[string]string{"configValue": "x=1", "cpuLimit": "500m", "namespace": "demo"}))
	secret := rec.Find(t, exampletest.Secret, "projected-mysecret")
	assert.Equal(t, "dba", secret.Get(t, "stringData.username"))
	assert.True(t, secret.IsSecret("stringData.username"))
	assert.Equal(t, "demo", secret.Get(t, "metadata.namespace"))
	assert.Equal(t, "x=1", rec.Find(t, exampletest.ConfigMap, "projected-myconfigmap").Get(t, "data.config"))
	sts := rec.Find(t, exampletest.StatefulSet, "projected-statefulset")
	assert.Equal(t, "500m", sts.Get(t, "spec.template.spec.containers[0].resources.limits.cpu"))
	assert.Equal(t, "demo", sts.Get(t, "metadata.namespace"))
}

func TestInvalidCPULimit(t *testing.T) {
	_, err := ordinaltest.RunErr(projectedconfig.Program, ordinaltest.WithConfig(map[string]string{"cpuLimit": "a lot"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `config "cpuLimit"`)
}

// TestReadyScript runs the readiness check against a directory that gains
// the projected files one by one: it passes only once all exist.
func TestReadyScript(t *testing.T) {
	dir := t.TempDir()
	script := strings.ReplaceAll(projectedconfig.ReadyScript(), projectedconfig.MountPath+"/", dir+"/")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "my-group"), 0o755))
	for _, f := range projectedconfig.Files() {
		require.Error(t, exec.Command("sh", "-c", script).Run(), "ready before %s exists", f)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644))
	}
	out, err := exec.Command("sh", "-c", script).CombinedOutput()
	require.NoError(t, err, string(out))
}

// TestKeepAliveStopsOnTERM: the shell waits until it gets SIGTERM, then
// exits at once with status 0.
func TestKeepAliveStopsOnTERM(t *testing.T) {
	cmd := exec.Command("sh", "-c", projectedconfig.KeepAlive)
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("exited on its own: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("still running 5s after SIGTERM")
	}
}
