//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// pulumi-kubernetes v4.25 creates by server-side apply, which merges into
// an object of the same name instead of failing, and `destroy` then
// deletes that object. These tests pre-create objects the way an admin
// would (kubectl create) under the names the components use, and check
// that `up` is refused without changing them, that `destroy` leaves them,
// and that an existing StorageClass can be used on purpose without owning
// it.

// adminObject is what the tests compare before and after: the UID and the
// labels an admin gave.
type adminObject struct {
	UID    string
	Labels map[string]string
}

func readAdminObject(t *testing.T, args ...string) adminObject {
	t.Helper()
	var o struct {
		Metadata struct {
			UID    string            `json:"uid"`
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
	}
	getJSON(t, &o, args...)
	return adminObject{UID: o.Metadata.UID, Labels: o.Metadata.Labels}
}

// createAsAdmin creates manifest with `kubectl create` (field manager
// kubectl-create) and deletes it when the test ends.
func createAsAdmin(t *testing.T, kind, ns, name, manifest string) {
	t.Helper()
	_, err := henv().KubectlIn([]byte(manifest), "create", "-f", "-")
	require.NoError(t, err)
	t.Cleanup(func() {
		args := []string{"delete", kind, name, "--wait=false", "--ignore-not-found"}
		if ns != "" {
			args = append(args, "-n", ns)
		}
		if _, err := kubectl(args...); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})
}

const adminClassManifest = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: %s
  labels: {owner: admin}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
`

// poolProgram is a pool on the admin's class name, existing or not.
func poolProgram(pool, class string, existing bool, nodes []string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := components.NewLocalVolumePool(ctx, pool, &components.LocalVolumePoolArgs{
			Spec: localpv.Spec{StorageClassName: class, ExistingStorageClass: existing, Nodes: nodes, Path: "/mnt/disks/" + pool, Capacity: "1Gi"},
		})
		if err != nil {
			return err
		}
		ctx.Export("storageClassName", p.StorageClassName)
		return nil
	}
}

func TestPoolRefusesAClassItDidNotMake(t *testing.T) {
	const class, pool = "e2e-admin-local", "e2e-adopt-pool"
	createAsAdmin(t, "storageclass", "", class, fmt.Sprintf(adminClassManifest, class))
	deletePoolVolumes(t, pool)
	before := readAdminObject(t, "storageclass", class)
	nodes := []string{"node-0", "node-1", "node-2"}

	done := step(t, "pool on the admin's class name: refused")
	s := newInlineStack(t, "adopt-class", poolProgram(pool, class, false, nodes))
	// `preview` does not see it: the provider's dry run of a create does
	// not reach the update validation. `up` does.
	_, err := s.tryUp("pool over an existing class")
	require.Error(t, err, "up must not take over the admin's StorageClass")
	assert.ErrorContains(t, err, "parameters")
	t.Logf("refused as expected: %s", conflictLine(err))
	assert.Equal(t, before, readAdminObject(t, "storageclass", class), "the admin's class is unchanged")
	s.destroy("after the refused up")
	assert.Equal(t, before, readAdminObject(t, "storageclass", class), "destroy left the admin's class alone")
	done()

	done = step(t, "existingStorageClass: PVs on the admin's class, class never owned")
	s = newInlineStack(t, "adopt-existing", poolProgram(pool, class, true, nodes))
	s.up("pool on an existing class")
	assert.Equal(t, class, s.outputs()["storageClassName"])
	var pvs corev1.PersistentVolumeList
	getJSON(t, &pvs, "pv", "-l", "app.kubernetes.io/instance="+pool)
	require.Len(t, pvs.Items, len(nodes))
	for _, pv := range pvs.Items {
		assert.Equal(t, class, pv.Spec.StorageClassName, pv.Name)
	}
	var sc storagev1.StorageClass
	getJSON(t, &sc, "storageclass", class)
	assert.Empty(t, sc.Parameters, "the pool wrote nothing into the admin's class")
	s.destroy("pool on an existing class")
	assert.Equal(t, before, readAdminObject(t, "storageclass", class), "destroy left the existing class alone")
	done()
}

// TestClusterRefusesObjectsItDidNotMake pre-creates, one at a time, an
// admin's client Service and PodDisruptionBudget under the names the
// cluster's own would have: each selects other pods, so server-side apply
// reports a conflict on the selector (a field kubectl-create owns) and the
// admin's object stays as it was, through the refused `up` and `destroy`.
func TestClusterRefusesObjectsItDidNotMake(t *testing.T) {
	tests := []struct {
		kind, manifest string
		name           func(*cluster.Plan) string
		selector       func(t *testing.T, ns, name string) map[string]string
	}{
		{
			kind: "service",
			manifest: `apiVersion: v1
kind: Service
metadata: {name: %s, namespace: %s, labels: {owner: admin}}
spec:
  selector: {app: legacy}
  ports: [{name: client, port: 2181}]
`,
			name: func(p *cluster.Plan) string { return p.Network.ClientService.Name },
			selector: func(t *testing.T, ns, name string) map[string]string {
				var svc corev1.Service
				getJSON(t, &svc, "service", "-n", ns, name)
				return svc.Spec.Selector
			},
		},
		{
			kind: "pdb",
			manifest: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: %s, namespace: %s, labels: {owner: admin}}
spec:
  selector: {matchLabels: {app: legacy}}
  maxUnavailable: 1
`,
			name: func(p *cluster.Plan) string { return p.PDB.Name },
			selector: func(t *testing.T, ns, name string) map[string]string {
				var pdb policyv1.PodDisruptionBudget
				getJSON(t, &pdb, "pdb", "-n", ns, name)
				return pdb.Spec.Selector.MatchLabels
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			ns := namespace(t, "e2e-adopt-"+tt.kind, nil)
			p := defaultParams(ns, "adopt", "e2e-adopt-"+tt.kind+"-pool")
			deletePoolVolumes(t, p.Pool)
			plan, err := cluster.New(p.Name, clusterSpec(p), cluster.Options{DeployTimeImages: []string{"db"}})
			require.NoError(t, err)
			name := tt.name(plan)
			createAsAdmin(t, tt.kind, ns, name, fmt.Sprintf(tt.manifest, name, ns))
			before := readAdminObject(t, tt.kind, "-n", ns, name)

			s := newInlineStack(t, "adopt-"+tt.kind, clusterProgram(p))
			_, err = s.tryUp("cluster over an admin's " + tt.kind)
			require.Error(t, err, "up must not take over the admin's %s", tt.kind)
			assert.ErrorContains(t, err, "conflict")
			t.Logf("refused as expected: %s", conflictLine(err))
			assert.Equal(t, map[string]string{"app": "legacy"}, tt.selector(t, ns, name), "the admin's %s still selects its own pods", tt.kind)
			assert.Equal(t, before, readAdminObject(t, tt.kind, "-n", ns, name))
			s.destroy("after the refused up")
			assert.Equal(t, before, readAdminObject(t, tt.kind, "-n", ns, name), "destroy left the admin's %s alone", tt.kind)
		})
	}
}

// conflictLine is the first line of err that names the conflict.
func conflictLine(err error) string {
	for _, l := range strings.Split(err.Error(), "\n") {
		if strings.Contains(l, "conflict") || strings.Contains(l, "parameters") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
