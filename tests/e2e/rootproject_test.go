//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// TestRootProject runs the repository's own Pulumi project (Pulumi.yaml at
// the root: runtime go, main examples/cockroach/cmd) the way a user does:
// the CLI starts the Go language host, which builds and runs the program.
// Preview, up, pods Ready, destroy.
func TestRootProject(t *testing.T) {
	ns := namespace(t, "e2e-root", nil)
	name := "crdb-root"
	deletePoolVolumes(t, name+"-disks")
	const stackName = "ordinal-e2e-root"
	// The CLI keeps the stack's config (and passphrase salt) next to
	// Pulumi.yaml; remove it whatever happens.
	stackFile := filepath.Join(env.root, "Pulumi."+stackName+".yaml")
	t.Cleanup(func() { _ = os.Remove(stackFile) })
	s := newLocalStack(t, stackName, env.root)
	s.setConfig(map[string]string{"namespace": ns, "name": name})

	done := step(t, "preview")
	pre := s.preview("root project")
	assert.Positive(t, pre.ChangeSummary["create"], "preview plans creations: %v", pre.ChangeSummary)
	done()

	done = step(t, "up")
	s.up("root project")
	ps := waitPodsReady(t, ns, name, 3)
	assertClusterPlaced(t, ns, name, engines.DataClaimName, name+"-disks", ps)
	assertInitOnce(t, ns, name)
	out := s.outputs()
	assertNetworkOutputs(t, out, ns, name, cockroachExample.service(name), cockroachExample.client(name), 3)
	done()

	done = step(t, "destroy")
	s.destroy("root project")
	_, err := kubectl("get", "statefulset", "-n", ns, name)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NotFound")
	_, err = kubectl("get", "service", "-n", ns, name)
	assert.ErrorContains(t, err, "NotFound", "the governing Service survived destroy")
	done()
}
