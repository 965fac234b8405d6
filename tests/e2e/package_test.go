//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/provider"
)

// The component package (provider/): the plugin built from this
// repository, the schema the CLI reads from it, and a stack that moves
// from the Go components to the package without replacing anything.

// buildPlugin builds pulumi-resource-ordinal once per run, as a user's `go
// build` would, into the suite's temporary directory (which TestMain
// removes), and returns that directory.
var buildPlugin = sync.OnceValues(func() (string, error) {
	dir := filepath.Join(filepath.Dir(env.pulumiHome), "plugin")
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "pulumi-resource-ordinal"), "./provider/cmd/pulumi-resource-ordinal")
	cmd.Dir = env.root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", &buildError{err: err, out: string(out)}
	}
	return dir, nil
})

// pluginDir is buildPlugin's directory; the test fails if the build did.
func pluginDir(t *testing.T) string {
	t.Helper()
	dir, err := buildPlugin()
	require.NoError(t, err, "building the plugin")
	return dir
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// pulumiCLI runs the project's CLI with the suite's isolated home and
// returns its standard output (its error output in the error).
func pulumiCLI(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(env.bin, "pulumi"), args...)
	cmd.Env = append(os.Environ(), "PULUMI_HOME="+env.pulumiHome, "PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String(), &buildError{err: err, out: stderr.String()}
	}
	return stdout.String(), nil
}

// The CLI reads the plugin's schema (`pulumi package get-schema`): the
// checked-in one. It binds with the kubernetes package's schema (validated
// against Pulumi's metaschema), and the Python SDK is generated from it
// (Python is not run here: no package index).
func TestPackageSchemaThroughCLI(t *testing.T) {
	bin := filepath.Join(pluginDir(t), "pulumi-resource-ordinal")
	out, err := pulumiCLI("package", "get-schema", bin)
	require.NoError(t, err)
	var got, want map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.NoError(t, json.Unmarshal(provider.SchemaJSON, &want))
	// The CLI reads the schema into its own type and writes it back, with
	// an empty "config" added.
	assert.Equal(t, map[string]any{}, got["config"])
	delete(got, "config")
	assert.Equal(t, want, got, "the plugin serves provider/schema.json")

	dir := t.TempDir()
	run(t, env.root, 2*time.Minute, filepath.Join(env.bin, "pulumi-sdkgen"), "-schema", filepath.Join(env.root, "provider", "schema.json"),
		"-dep", "kubernetes="+kubernetesSchemaFile(t), "-language", "python", "-out", dir)
	for file, wants := range map[string][]string{
		"pulumi_ordinal/database_cluster.py":  {"class DatabaseCluster(pulumi.ComponentResource)", "def pod_fqdns(self)", "engine: Optional['EngineArgs'] = None"},
		"pulumi_ordinal/local_volume_pool.py": {"class LocalVolumePool(pulumi.ComponentResource)"},
		"setup.py":                            {`VERSION = "` + provider.Version + `"`},
	} {
		src, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err)
		for _, w := range wants {
			assert.Contains(t, string(src), w, file)
		}
	}
}

// remoteCluster and remotePool are the package's components as any
// language sees them: outputs only.
type remoteCluster struct {
	pulumi.ResourceState
	Namespace       pulumi.StringOutput      `pulumi:"namespace"`
	ServiceName     pulumi.StringOutput      `pulumi:"serviceName"`
	InitJobName     pulumi.StringOutput      `pulumi:"initJobName"`
	StatefulSetName pulumi.StringOutput      `pulumi:"statefulSetName"`
	PodFqdns        pulumi.StringArrayOutput `pulumi:"podFqdns"`
	PeerList        pulumi.StringOutput      `pulumi:"peerList"`
	ClientEndpoints pulumi.StringArrayOutput `pulumi:"clientEndpoints"`
	ConfigChecksum  pulumi.StringOutput      `pulumi:"configChecksum"`
}

type remotePool struct {
	pulumi.ResourceState
	StorageClassName pulumi.StringOutput `pulumi:"storageClassName"`
}

// remoteProgram is clusterProgram through the plugin: the same pool and
// cluster, their specs sent in the schema's names; clusters named in more
// use the same pool and spec.
func remoteProgram(p *clusterParams, spec map[string]any, more ...string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var pool remotePool
		poolSpec := provider.PlainValue(poolArgs(p).Spec)
		if err := ctx.RegisterRemoteComponentResource(components.LocalVolumePoolType, p.Pool,
			pulumi.Map{"spec": pulumi.Any(poolSpec)}, &pool); err != nil {
			return err
		}
		secrets := pulumi.StringMap{}
		for k, v := range p.SecretData {
			secrets[k] = pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
		}
		var c remoteCluster
		if err := ctx.RegisterRemoteComponentResource(components.DatabaseClusterType, p.Name, pulumi.Map{
			"namespace":           pulumi.String(p.Namespace),
			"spec":                pulumi.Any(spec),
			"image":               pulumi.String(p.Image),
			"pool":                pulumi.NewResourceInput(&pool),
			"secretData":          secrets,
			"awaitTimeoutSeconds": pulumi.Int(awaitTimeoutSeconds),
		}, &c); err != nil {
			return err
		}
		for _, name := range more {
			var other remoteCluster
			if err := ctx.RegisterRemoteComponentResource(components.DatabaseClusterType, name, pulumi.Map{
				"namespace": pulumi.String(p.Namespace),
				"spec":      pulumi.Any(spec),
				"image":     pulumi.String(p.Image),
				"pool":      pulumi.NewResourceInput(&pool),
			}, &other); err != nil {
				return err
			}
		}
		ctx.Export("namespace", c.Namespace)
		ctx.Export("statefulSetName", c.StatefulSetName)
		ctx.Export("serviceName", c.ServiceName)
		ctx.Export("initJobName", c.InitJobName)
		ctx.Export("podFqdns", c.PodFqdns)
		ctx.Export("peerList", c.PeerList)
		ctx.Export("clientEndpoints", c.ClientEndpoints)
		ctx.Export("configChecksum", c.ConfigChecksum)
		ctx.Export("storageClassName", pool.StorageClassName)
		return nil
	}
}

// A stack deployed with the Go components moves to the package: the
// preview plans no create, replace or delete, the `up` changes no
// Kubernetes object, and the outputs are the same. Bad input through the
// package fails with the Go components' field paths, before anything is
// registered; secret data stays encrypted in the state.
func TestPackageTakesOverAGoStack(t *testing.T) {
	ns := namespace(t, "e2e-package", nil)
	p := defaultParams(ns, "pkg", "e2e-package-pool")
	p.SecretData = map[string]string{"password": "e2e-package-plaintext-value"}
	deletePoolVolumes(t, p.Pool)
	var program pulumi.RunFunc = clusterProgram(p)
	h := henv()
	h.Providers = map[string]string{provider.Name: pluginDir(t)}
	hs := h.InlineStack(t, "package", func(ctx *pulumi.Context) error { return program(ctx) })
	s := &stack{t: t, name: "package", stack: hs.Auto(), h: hs}

	done := step(t, "up with the Go components")
	s.up("go components")
	waitPodsReady(t, ns, p.Name, int(p.Replicas))
	claims := bindings(t, ns, p.Name, "data", []int{0, 1, 2})
	goOutputs := hs.Outputs()
	done()

	done = step(t, "the same stack through the package")
	program = remoteProgram(p, provider.PlainValue(clusterSpec(p)).(map[string]any))
	planned := hs.Preview("through the package")
	for _, op := range []string{"create", "replace", "delete", "create-replacement", "delete-replaced"} {
		assert.Zero(t, planned[op], "the preview plans no %s: %v", op, planned)
	}
	res := s.up("through the package")
	for key, ops := range res.Steps {
		if strings.HasPrefix(key, "kubernetes:") {
			assert.Empty(t, ops, "%s is not touched", key)
		}
	}
	assert.Equal(t, goOutputs, hs.Outputs(), "the package's outputs are the Go components'")
	after := bindings(t, ns, p.Name, "data", []int{0, 1, 2})
	for i, b := range claims {
		assert.Equal(t, b.UIDs(), after[i].UIDs(), "pod %d keeps its claim and volume", i)
	}
	stored := s.exportEncrypted()
	assert.NotContains(t, stored, p.SecretData["password"], "the stored state holds the secret in plaintext")
	done()

	done = step(t, "bad input through the package")
	bad := provider.PlainValue(clusterSpec(p)).(map[string]any)
	bad["replicas"] = 0
	bad["podManagementPolicyy"] = "Parallel"
	program = remoteProgram(p, bad)
	_, err := s.tryUp("bad input")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `DatabaseCluster "pkg": spec.podManagementPolicyy: `)
	assert.Contains(t, err.Error(), "is not a field of ClusterSpec")
	delete(bad, "podManagementPolicyy")
	_, err = s.tryUp("zero replicas")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `DatabaseCluster "pkg": spec.replicas: must be >= 1`)
	// Checks between components: a second cluster over the 5-volume pool
	// needs 3 more volumes than are left. The engine has the plugin
	// construct the two clusters at the same time, and the plugin does not
	// know their order in the program, so the one that reserves second is
	// refused (in Go: the later one in the program). The up fails either
	// way, naming the pool and both clusters.
	program = remoteProgram(p, provider.PlainValue(clusterSpec(p)).(map[string]any), "pkg2")
	_, err = s.tryUp("a second cluster on the pool")
	require.Error(t, err)
	refused := func(first, second string) bool {
		return strings.Contains(err.Error(), `DatabaseCluster "`+second+`": pool: the LocalVolumePool "e2e-package-pool" has 5 volumes, DatabaseCluster "`+first+`" already claim 3 of them, and this cluster needs 3 more`)
	}
	assert.True(t, refused("pkg", "pkg2") != refused("pkg2", "pkg"), "exactly one cluster is refused for the pool:\n%v", err)
	var sts struct {
		Spec struct{ Replicas int } `json:"spec"`
	}
	getJSON(t, &sts, "statefulset", "-n", ns, p.Name)
	assert.Equal(t, int(p.Replicas), sts.Spec.Replicas, "the refused ups left the StatefulSet alone")
	done()
}

// TestExampleZooKeeperYAML deploys examples/zookeeper-yaml, the default
// stack written in Pulumi YAML, through the real CLI, the YAML language
// host and the plugin built from this repository, and checks it exactly
// as TestExampleZooKeeper checks the Go program.
func TestExampleZooKeeperYAML(t *testing.T) {
	ns, name := "e2e-zk-yaml", "zk-yaml" // the program's names
	namespace(t, ns, zookeeperExample.nsLabels)
	deletePoolVolumes(t, name+"-disks")
	dir := t.TempDir()
	project, err := os.ReadFile(filepath.Join(env.root, "examples", "zookeeper-yaml", "Pulumi.yaml"))
	require.NoError(t, err)
	// The plugin from a directory, as a user who built it would point to it.
	project = append(project, []byte("plugins:\n  providers:\n    - name: ordinal\n      path: "+pluginDir(t)+"\n")...)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	hs := henv().LocalStack(t, name, dir)
	s := &stack{t: t, name: name, stack: hs.Auto(), h: hs}
	s.setConfig(map[string]string{"namespace": ns})

	checkExample(t, zookeeperWithoutEnsemble(), s, ns, name)
}

// zookeeperWithoutEnsemble is zookeeperExample for the programs in other
// languages, which do not export the ensemble string the Go program
// exports; the rest is checked as for the Go program.
func zookeeperWithoutEnsemble() example {
	ex := zookeeperExample
	ex.config = func(t *testing.T, name string, c corev1.Container, data map[string]string, out map[string]any) {
		t.Helper()
		withEnsemble := maps.Clone(out)
		withEnsemble["ensemble"] = engines.ZooKeeperEnsemble(name, name+"-hs", 3)
		zookeeperExample.config(t, name, c, data, withEnsemble)
	}
	return ex
}
