package cockroach_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/examples/cockroach"
	"github.com/ordinal-dev/ordinal/examples/internal/exampletest"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

const (
	stsType  = exampletest.StatefulSet
	svcType  = exampletest.Service
	pdbType  = exampletest.PDB
	jobType  = exampletest.Job
	pvType   = exampletest.PV
	scType   = exampletest.StorageClass
	provType = exampletest.Provider
)

// run runs the example's Deploy (what Program runs) and returns the
// recorder and the stack's outputs, resolved.
func run(t *testing.T, config map[string]string) (*ordinaltest.Recorder, map[string]any) {
	t.Helper()
	var stack *cockroach.Stack
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		c, err := cockroach.LoadConfig(ctx)
		if err != nil {
			return err
		}
		stack, err = cockroach.Deploy(ctx, c)
		return err
	}, ordinaltest.WithConfig(config))
	return rec, exampletest.Outputs(t, stack.Outputs)
}

func TestDefaultStack(t *testing.T) {
	rec, out := run(t, nil)

	// The pool: a local StorageClass and one PV per node.
	sc := rec.Find(t, scType, "cockroachdb-disks-class")
	assert.Equal(t, "kubernetes.io/no-provisioner", sc.Get(t, "provisioner"))
	assert.Equal(t, "WaitForFirstConsumer", sc.Get(t, "volumeBindingMode"))
	pvs := rec.ByType(pvType)
	require.Len(t, pvs, 3)
	var nodes []any
	for _, pv := range pvs {
		assert.Equal(t, "/mnt/disks/ssd0", pv.Get(t, "spec.local.path"))
		assert.Equal(t, "10Gi", pv.Get(t, "spec.capacity.storage"))
		nodes = append(nodes, pv.Get(t, "spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]"))
	}
	assert.ElementsMatch(t, []any{"node-0", "node-1", "node-2"}, nodes)

	// The StatefulSet: 3 Parallel pods whose claims use the pool's class.
	sts := rec.Find(t, stsType, "cockroachdb-statefulset")
	assert.Equal(t, 3.0, sts.Get(t, "spec.replicas"))
	assert.Equal(t, "Parallel", sts.Get(t, "spec.podManagementPolicy"))
	assert.Equal(t, "cockroachdb", sts.Get(t, "spec.serviceName"))
	assert.Equal(t, "cockroachdb-disks", sts.Get(t, "spec.volumeClaimTemplates[0].spec.storageClassName"))
	assert.Equal(t, "10Gi", sts.Get(t, "spec.volumeClaimTemplates[0].spec.resources.requests.storage"))
	assert.Equal(t, engines.DefaultCockroachImage, sts.Get(t, "spec.template.spec.containers[0].image"))
	assert.Contains(t, sts.Get(t, "spec.template.spec.containers[0].args"),
		"--join=cockroachdb-0.cockroachdb:26257,cockroachdb-1.cockroachdb:26257,cockroachdb-2.cockroachdb:26257")
	assert.Equal(t, "default", sts.Get(t, "metadata.namespace"))

	// Headless and public Services.
	headless := rec.Find(t, svcType, "cockroachdb-network-headless")
	assert.Equal(t, "None", headless.Get(t, "spec.clusterIP"))
	assert.Equal(t, true, headless.Get(t, "spec.publishNotReadyAddresses"))
	public := rec.Find(t, svcType, "cockroachdb-network-client")
	assert.Equal(t, "cockroachdb-public", public.Get(t, "metadata.name"))
	assert.Equal(t, 26257.0, public.Get(t, "spec.ports[0].port"))
	assert.Equal(t, 8080.0, public.Get(t, "spec.ports[1].port"))

	pdb := rec.Find(t, pdbType, "cockroachdb-pdb")
	assert.Equal(t, 1.0, pdb.Get(t, "spec.maxUnavailable"))

	// The init Job targets pod 0 through the headless Service.
	job := rec.Find(t, jobType, "cockroachdb-init")
	script := job.Get(t, "spec.template.spec.containers[0].command[2]")
	assert.Contains(t, script, "/cockroach/cockroach init --insecure --host=cockroachdb-0.cockroachdb:26257")
	assert.Contains(t, script, "already been initialized")
	assert.Equal(t, "OnFailure", job.Get(t, "spec.template.spec.restartPolicy"))

	// The membership Job decommissions departing nodes before the
	// StatefulSet shrinks; it runs the node image with the same flags.
	members := rec.Find(t, jobType, "cockroachdb-members")
	assert.Equal(t, "cockroachdb-members-3", members.Get(t, "metadata.name"))
	assert.Contains(t, members.Get(t, "spec.template.spec.containers[0].command[2]"), "node decommission $ids --wait=all")
	assert.Contains(t, members.Get(t, "spec.template.spec.containers[0].env"),
		map[string]any{"name": "ORDINAL_COCKROACH_FLAGS", "value": "--insecure"})
	assert.Contains(t, sts.Options.Dependencies, members.URN, "the StatefulSet waits for the membership Job")

	assert.Empty(t, rec.ByType(provType), "no explicit provider unless render is set")

	assert.Equal(t, map[string]any{
		"podFqdns": []any{
			"cockroachdb-0.cockroachdb.default.svc.cluster.local",
			"cockroachdb-1.cockroachdb.default.svc.cluster.local",
			"cockroachdb-2.cockroachdb.default.svc.cluster.local",
		},
		"clientEndpoints": []any{
			"cockroachdb-public.default.svc.cluster.local:26257",
			"cockroachdb-public.default.svc.cluster.local:8080",
		},
		"peerList":         "cockroachdb-0.cockroachdb.default.svc.cluster.local:26257,cockroachdb-1.cockroachdb.default.svc.cluster.local:26257,cockroachdb-2.cockroachdb.default.svc.cluster.local:26257",
		"statefulSetName":  "cockroachdb",
		"serviceName":      "cockroachdb",
		"initJobName":      "cockroachdb-init",
		"storageClassName": "cockroachdb-disks",
		"volumeNames":      exampletest.Strings(exampletest.Names(pvs)...),
	}, out)
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name   string
		config map[string]string
		check  func(t *testing.T, rec *ordinaltest.Recorder, out map[string]any)
	}{
		{
			name: "five nodes in another namespace with another image",
			config: map[string]string{
				"name": "crdb", "namespace": "db", "replicas": "5",
				"nodes": "node-0, node-1,node-2,node-3,node-4", "image": "cockroachdb/cockroach:v25.1.0",
				"storageSize": "5Gi", "diskCapacity": "20Gi", "diskPath": "/mnt/nvme0",
			},
			check: func(t *testing.T, rec *ordinaltest.Recorder, out map[string]any) {
				require.Len(t, rec.ByType(pvType), 5)
				for _, pv := range rec.ByType(pvType) {
					assert.Equal(t, "/mnt/nvme0", pv.Get(t, "spec.local.path"))
					assert.Equal(t, "20Gi", pv.Get(t, "spec.capacity.storage"))
				}
				sts := rec.Find(t, stsType, "crdb-statefulset")
				assert.Equal(t, 5.0, sts.Get(t, "spec.replicas"))
				assert.Equal(t, "db", sts.Get(t, "metadata.namespace"))
				assert.Equal(t, "cockroachdb/cockroach:v25.1.0", sts.Get(t, "spec.template.spec.containers[0].image"))
				assert.Equal(t, "5Gi", sts.Get(t, "spec.volumeClaimTemplates[0].spec.resources.requests.storage"))
				job := rec.Find(t, jobType, "crdb-init")
				assert.Equal(t, "cockroachdb/cockroach:v25.1.0", job.Get(t, "spec.template.spec.containers[0].image"))
				assert.Contains(t, job.Get(t, "spec.template.spec.containers[0].command[2]"), "--host=crdb-0.crdb:26257")
				assert.Len(t, out["podFqdns"], 5)
				assert.Equal(t, "crdb-4.crdb.db.svc.cluster.local", out["podFqdns"].([]any)[4])
			},
		},
		{
			name:   "render writes YAML through an explicit provider",
			config: map[string]string{"render": "/tmp/rendered"},
			check: func(t *testing.T, rec *ordinaltest.Recorder, out map[string]any) {
				p := rec.Find(t, provType, "render")
				assert.Equal(t, "/tmp/rendered", p.Get(t, "renderYamlToDirectory"))
				assert.Equal(t, "", p.Get(t, "kubeconfig"), "never the $KUBECONFIG default: the provider rejects it with render")
				assert.Len(t, rec.ByType(pvType), 3, "render mode plans the same objects")
				assert.Equal(t, "cockroachdb", out["statefulSetName"])
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The SDK reads $KUBECONFIG into a provider's kubeconfig unless set.
			t.Setenv("KUBECONFIG", "/home/user/.kube/config")
			rec, out := run(t, tc.config)
			tc.check(t, rec, out)
		})
	}
}

func TestInvalidConfig(t *testing.T) {
	tests := []struct {
		name    string
		config  map[string]string
		wantErr string
	}{
		{"replicas not a number", map[string]string{"replicas": "three"}, `config "replicas"`},
		{"more replicas than disks", map[string]string{"replicas": "4"}, "LocalVolumePool"},
		{"no disk capacity for the claim", map[string]string{"storageSize": "50Gi"}, "spec.claims[0].size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := ordinaltest.RunErr(cockroach.Program, ordinaltest.WithConfig(tc.config))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.Empty(t, rec.ByType(stsType), "nothing of the cluster is registered")
		})
	}
}

func TestProgramExports(t *testing.T) {
	// Program itself (what cmd/main.go runs) succeeds with the defaults.
	rec := ordinaltest.Run(t, cockroach.Program)
	assert.NotEmpty(t, rec.ByType(stsType))
}
