//go:build e2e

package realpods

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRootProject runs the repository's own Pulumi project (Pulumi.yaml at
// the root, the default stack of `make up`: examples/zookeeper) the way a
// user does — the CLI starts the Go language host, which builds and runs
// the program — on the real nodes in a restricted namespace: preview, up,
// the ensemble checked from inside (checkZooKeeperEnsemble), a second up
// that changes nothing, destroy (pods gone, claims kept).
func TestRootProject(t *testing.T) {
	useNodeGroup(t, examplesGroup)
	ns := restrictedNamespace(t, "rp-root")
	const name, disk = "zkroot", "/mnt/disks/data"
	wipeDisks(t, name+"-disks", disk)
	const stackName = "ordinal-realpods-root"
	// The CLI keeps the stack's config next to Pulumi.yaml: remove it.
	t.Cleanup(func() { _ = os.Remove(filepath.Join(env.Root, "Pulumi."+stackName+".yaml")) })
	s := env.LocalStack(t, stackName, env.Root)
	s.SetConfig(map[string]string{"namespace": ns, "name": name, "diskPath": disk, "heap": "256M"})

	pre := s.Preview("root project")
	assert.Positive(t, pre["create"], "preview plans creations: %v", pre)

	s.Up("root project")
	checkZooKeeperEnsemble(t, ns, name)
	out := s.Outputs()
	assert.Equal(t, name, out["statefulSetName"])
	res := s.Up("unchanged")
	assert.Equal(t, 0, changed(res.Summary.ResourceChanges), "a second up changed something: %v", res.Summary.ResourceChanges)

	s.Destroy("root project")
	_, err := env.Kubectl("get", "statefulset", "-n", ns, name)
	assert.ErrorContains(t, err, "NotFound", "the StatefulSet survived destroy")
	assert.Empty(t, clusterPods(t, ns, name), "destroy deletes the pods")
	var pvcs struct{ Items []any }
	env.GetJSON(t, &pvcs, "pvc", "-n", ns)
	assert.Len(t, pvcs.Items, 3, "destroy keeps the claims (data is never deleted by default)")
}
