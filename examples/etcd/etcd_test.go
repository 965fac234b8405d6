package etcd_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/examples/etcd"
	"github.com/ordinal-dev/ordinal/examples/internal/exampletest"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

func run(t *testing.T, config map[string]string) (*ordinaltest.Recorder, map[string]any) {
	t.Helper()
	var stack *etcd.Stack
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		c, err := etcd.LoadConfig(ctx)
		if err != nil {
			return err
		}
		stack, err = etcd.Deploy(ctx, c)
		return err
	}, ordinaltest.WithConfig(config))
	return rec, exampletest.Outputs(t, stack.Outputs)
}

func TestCluster(t *testing.T) {
	rec, out := run(t, nil)

	pdb := rec.Find(t, exampletest.PDB, "etcd-pdb")
	assert.Equal(t, 2.0, pdb.Get(t, "spec.minAvailable"), "a quorum of 3")

	sts := rec.Find(t, exampletest.StatefulSet, "etcd-statefulset")
	assert.Equal(t, 3.0, sts.Get(t, "spec.replicas"))
	assert.Equal(t, "etcd", sts.Get(t, "spec.serviceName"))
	assert.Equal(t, "Parallel", sts.Get(t, "spec.podManagementPolicy"), "a member waiting for its quorum holds back no pod")
	pod := "spec.template.spec."
	c := pod + "containers[0]."
	assert.Equal(t, etcd.DefaultImage, sts.Get(t, c+"image"))
	assert.Equal(t, "localhost/etcd:1", sts.Get(t, c+"image"))
	assert.Equal(t, "1", sts.Get(t, `spec.template.metadata.labels["app.kubernetes.io/version"]`))
	assert.Equal(t, "kubernetes.io/hostname",
		sts.Get(t, pod+"affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey"), "hard anti-affinity")
	assert.Equal(t, 1000.0, sts.Get(t, pod+"securityContext.runAsUser"))
	assert.Equal(t, 1000.0, sts.Get(t, pod+"securityContext.runAsGroup"))
	assert.Equal(t, 1000.0, sts.Get(t, pod+"securityContext.fsGroup"))
	assert.Equal(t, true, sts.Get(t, pod+"securityContext.runAsNonRoot"))

	// The start script, under the busybox the tools init container copies
	// in, then etcd with plain arguments, expanded by Kubernetes from the
	// downward API.
	assert.Equal(t, []any{"/ordinal/tools/bin/sh", "-c", engines.EtcdStartScript(), "etcd-start"}, sts.Get(t, c+"command"))
	assert.Equal(t, etcd.DefaultToolsImage, sts.Get(t, pod+"initContainers[0].image"))
	args := sts.Get(t, c+"args").([]any)
	assert.Equal(t, "/usr/local/bin/etcd", args[0])
	assert.Contains(t, args, "--name=$(POD_NAME)")
	assert.Contains(t, args, "--data-dir=/var/lib/etcd/data")
	assert.Contains(t, args, "--initial-advertise-peer-urls=http://$(POD_NAME).etcd:2380")
	assert.Contains(t, args, "--advertise-client-urls=http://$(POD_NAME).etcd:2379")
	assert.Contains(t, args, "--quota-backend-bytes=536870912", "half of the 1Gi claim")
	assert.Equal(t, map[string]any{"name": "POD_NAME", "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": "metadata.name"}}},
		sts.Get(t, c+"env[0]"))

	// The bootstrap settings: the generated ConfigMap, as etcd's env vars;
	// pod 0 founds the cluster, the others add themselves.
	cm := rec.FindPrefix(t, exampletest.ConfigMap, "etcd-config-")
	assert.Equal(t, map[string]any{
		"ETCD_INITIAL_CLUSTER":       "etcd-0=http://etcd-0.etcd:2380",
		"ETCD_INITIAL_CLUSTER_TOKEN": "etcd",
		"ETCD_INITIAL_CLUSTER_STATE": "new",
	}, cm.Get(t, "data"))
	cmName := cm.Get(t, "metadata.name")
	env := sts.Get(t, c+"env").([]any)
	require.Len(t, env, 8)
	for i, key := range []string{engines.EtcdKeyInitialCluster, engines.EtcdKeyInitialClusterToken, engines.EtcdKeyInitialClusterState} {
		assert.Equal(t, map[string]any{"name": key, "valueFrom": map[string]any{"configMapKeyRef": map[string]any{"name": cmName, "key": key}}}, env[i+1])
	}

	assert.Equal(t, "/readyz", sts.Get(t, c+"readinessProbe.httpGet.path"))
	assert.Equal(t, "client", sts.Get(t, c+"readinessProbe.httpGet.port"))
	assert.Equal(t, "/livez", sts.Get(t, c+"livenessProbe.httpGet.path"))
	assert.Equal(t, "metrics", sts.Get(t, c+"livenessProbe.httpGet.port"))
	assert.Contains(t, args, "--listen-metrics-urls=http://0.0.0.0:2381")
	assert.Equal(t, "datadir", sts.Get(t, "spec.volumeClaimTemplates[0].metadata.name"))
	assert.Equal(t, "1Gi", sts.Get(t, "spec.volumeClaimTemplates[0].spec.resources.requests.storage"))
	assert.Equal(t, "etcd-disks", sts.Get(t, "spec.volumeClaimTemplates[0].spec.storageClassName"))

	headless := rec.Find(t, exampletest.Service, "etcd-network-headless")
	assert.Equal(t, "etcd", headless.Get(t, "metadata.name"))
	assert.Equal(t, "None", headless.Get(t, "spec.clusterIP"))
	assert.Equal(t, true, headless.Get(t, "spec.publishNotReadyAddresses"), "members resolve each other before they are Ready")
	client := rec.Find(t, exampletest.Service, "etcd-network-client")
	assert.Equal(t, "etcd-client", client.Get(t, "metadata.name"))
	assert.Equal(t, 2379.0, client.Get(t, "spec.ports[0].port"))
	assert.Len(t, client.Get(t, "spec.ports"), 1, "only the client port is public")

	// No init Job; the membership Job removes departing members first.
	jobs := rec.ByType(exampletest.Job)
	require.Len(t, jobs, 1, "etcd needs no init Job")
	assert.Equal(t, "etcd-members-3", jobs[0].Get(t, "metadata.name"))
	assert.Contains(t, sts.Options.Dependencies, jobs[0].URN, "the StatefulSet waits for the membership Job")
	pvs := rec.ByType(exampletest.PV)
	require.Len(t, pvs, 3)
	for _, pv := range pvs {
		assert.Equal(t, "1Gi", pv.Get(t, "spec.capacity.storage"), "the volumes match the claims")
		assert.Equal(t, "/mnt/disks/ssd0", pv.Get(t, "spec.local.path"))
	}

	assert.Equal(t, "etcd-0=http://etcd-0.etcd:2380", out["initialCluster"], "the founding member")
	assert.Equal(t, "etcd-0.etcd.default.svc.cluster.local:2380,etcd-1.etcd.default.svc.cluster.local:2380,etcd-2.etcd.default.svc.cluster.local:2380", out["peerList"])
	assert.Equal(t, "etcd", out["pdbName"])
	assert.Equal(t, "etcd", out["statefulSetName"])
	assert.Equal(t, "etcd", out["serviceName"])
	assert.Equal(t, "etcd-disks", out["storageClassName"])
	assert.Len(t, out["volumeNames"], 3)
	assert.Equal(t, exampletest.Strings("etcd-client.default.svc.cluster.local:2379"), out["clientEndpoints"])
	assert.Equal(t, exampletest.Strings(
		"etcd-0.etcd.default.svc.cluster.local", "etcd-1.etcd.default.svc.cluster.local", "etcd-2.etcd.default.svc.cluster.local",
	), out["podFqdns"])
	assert.Len(t, out["configChecksum"], 64)
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name   string
		config map[string]string
		check  func(t *testing.T, rec *ordinaltest.Recorder, out map[string]any)
	}{
		{
			name:   "five members on five nodes, bigger disks",
			config: map[string]string{"replicas": "5", "nodes": "node-0,node-1,node-2,node-3,node-4", "storageSize": "4Gi"},
			check: func(t *testing.T, rec *ordinaltest.Recorder, out map[string]any) {
				assert.Equal(t, 3.0, rec.Find(t, exampletest.PDB, "etcd-pdb").Get(t, "spec.minAvailable"))
				sts := rec.Find(t, exampletest.StatefulSet, "etcd-statefulset")
				assert.Equal(t, "4Gi", sts.Get(t, "spec.volumeClaimTemplates[0].spec.resources.requests.storage"))
				assert.Contains(t, sts.Get(t, "spec.template.spec.containers[0].args"), "--quota-backend-bytes=2147483648")
				for _, pv := range rec.ByType(exampletest.PV) {
					assert.Equal(t, "4Gi", pv.Get(t, "spec.capacity.storage"), "diskCapacity follows storageSize")
				}
				assert.Equal(t, "etcd-0=http://etcd-0.etcd:2380", out["initialCluster"], "the founding member, whatever the size")
				assert.Equal(t, "etcd-members-5", rec.Find(t, exampletest.Job, "etcd-members").Get(t, "metadata.name"))
				assert.Len(t, out["podFqdns"], 5)
			},
		},
		{
			name:   "the public images, another name and namespace",
			config: map[string]string{"image": engines.DefaultEtcdImage, "toolsImage": engines.DefaultEtcdToolsImage, "name": "kv", "namespace": "infra"},
			check: func(t *testing.T, rec *ordinaltest.Recorder, out map[string]any) {
				sts := rec.Find(t, exampletest.StatefulSet, "kv-statefulset")
				assert.Equal(t, "infra", sts.Get(t, "metadata.namespace"))
				assert.Equal(t, "quay.io/coreos/etcd:v3.6.16", sts.Get(t, "spec.template.spec.containers[0].image"))
				assert.Equal(t, "busybox:1.37", sts.Get(t, "spec.template.spec.initContainers[0].image"))
				assert.Equal(t, "kv-0=http://kv-0.kv:2380", out["initialCluster"])
				assert.Equal(t, "kv", rec.FindPrefix(t, exampletest.ConfigMap, "kv-config-").Get(t, `data["ETCD_INITIAL_CLUSTER_TOKEN"]`))
				assert.Equal(t, exampletest.Strings("kv-client.infra.svc.cluster.local:2379"), out["clientEndpoints"])
			},
		},
		{
			name:   "explicit disk capacity",
			config: map[string]string{"diskCapacity": "10Gi"},
			check: func(t *testing.T, rec *ordinaltest.Recorder, _ map[string]any) {
				for _, pv := range rec.ByType(exampletest.PV) {
					assert.Equal(t, "10Gi", pv.Get(t, "spec.capacity.storage"))
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, out := run(t, tc.config)
			tc.check(t, rec, out)
		})
	}
}

func TestTooFewNodesIsRejected(t *testing.T) {
	// Hard anti-affinity: three members cannot share two nodes. The program
	// fails before registering the cluster.
	rec, err := ordinaltest.RunErr(etcd.Program, ordinaltest.WithConfig(map[string]string{
		"nodes": "node-0,node-1",
	}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LocalVolumePool")
	assert.Empty(t, rec.ByType(exampletest.StatefulSet))
}

func TestProgram(t *testing.T) {
	rec := ordinaltest.Run(t, etcd.Program)
	assert.Len(t, rec.ByType(exampletest.StatefulSet), 1)
}
