//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The TypeScript example through the component package: the SDK is
// generated from the plugin's schema (pulumi-sdkgen, the generator `pulumi
// package add` runs), the npm packages come from the registry, and the
// program runs under the Node.js language host.

// readKubernetesSchema reads the kubernetes package's schema once per run
// from the provider binary the suite uses (the ordinal schema refers to
// its types) into a file, and returns its path.
var readKubernetesSchema = sync.OnceValues(func() (string, error) {
	out, err := pulumiCLI("package", "get-schema", filepath.Join(env.bin, "pulumi-resource-kubernetes"))
	if err != nil {
		return "", err
	}
	file := filepath.Join(filepath.Dir(env.pulumiHome), "kubernetes-schema.json")
	return file, os.WriteFile(file, []byte(out), 0o644)
})

// kubernetesSchemaFile is readKubernetesSchema's file; the test fails if
// reading it did.
func kubernetesSchemaFile(t *testing.T) string {
	t.Helper()
	file, err := readKubernetesSchema()
	require.NoError(t, err, "reading the kubernetes schema")
	return file
}

// run runs a command in dir, failing the test with its output.
func run(t *testing.T, dir string, timeout time.Duration, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %v:\n%s", name, args, out)
}

// TestExampleZooKeeperTypeScript deploys examples/zookeeper-ts, the
// default stack written in TypeScript against the generated SDK, through
// the real CLI, the Node.js language host and the plugin built from this
// repository, and checks it exactly as TestExampleZooKeeper checks the Go
// program.
func TestExampleZooKeeperTypeScript(t *testing.T) {
	ns, name := "e2e-zk-ts", "zk-ts" // the program's names
	namespace(t, ns, zookeeperExample.nsLabels)
	deletePoolVolumes(t, name+"-disks")
	src := filepath.Join(env.root, "examples", "zookeeper-ts")
	dir := t.TempDir()
	for _, f := range []string{"Pulumi.yaml", "index.ts", "package.json", "package-lock.json", "tsconfig.json"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		require.NoError(t, err)
		if f == "Pulumi.yaml" {
			b = append(b, []byte("plugins:\n  providers:\n    - name: ordinal\n      path: "+pluginDir(t)+"\n")...)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	done := step(t, "generate the SDK, install the npm packages")
	run(t, env.root, 2*time.Minute, filepath.Join(env.bin, "pulumi-sdkgen"), "-schema", filepath.Join(env.root, "provider", "schema.json"),
		"-dep", "kubernetes="+kubernetesSchemaFile(t), "-language", "nodejs", "-out", filepath.Join(dir, "sdks", "ordinal"))
	run(t, dir, 10*time.Minute, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	// The program and the SDK type-check together (the language host then
	// runs them through ts-node).
	run(t, dir, 5*time.Minute, filepath.Join(dir, "node_modules", ".bin", "tsc"), "--noEmit", "-p", ".")
	done()

	h := henv()
	// Type-checked above; ts-node need not check the same files again.
	h.ExtraEnv = map[string]string{"PULUMI_NODEJS_TRANSPILE_ONLY": "true"}
	hs := h.LocalStack(t, name, dir)
	s := &stack{t: t, name: name, stack: hs.Auto(), h: hs}
	s.setConfig(map[string]string{"namespace": ns})
	checkExample(t, zookeeperWithoutEnsemble(), s, ns, name)
}
