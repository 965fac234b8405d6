package zookeeper_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/examples/internal/exampletest"
	"github.com/ordinal-dev/ordinal/examples/zookeeper"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

func run(t *testing.T, config map[string]string) (*ordinaltest.Recorder, map[string]any) {
	t.Helper()
	var stack *zookeeper.Stack
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		c, err := zookeeper.LoadConfig(ctx)
		if err != nil {
			return err
		}
		stack, err = zookeeper.Deploy(ctx, c)
		return err
	}, ordinaltest.WithConfig(config))
	return rec, exampletest.Outputs(t, stack.Outputs)
}

func TestEnsemble(t *testing.T) {
	rec, out := run(t, nil)

	pdb := rec.Find(t, exampletest.PDB, "zk-pdb")
	assert.Equal(t, 2.0, pdb.Get(t, "spec.minAvailable"), "a quorum of 3")
	assert.False(t, pdb.Has("spec.maxUnavailable"))

	sts := rec.Find(t, exampletest.StatefulSet, "zk-statefulset")
	assert.Equal(t, 3.0, sts.Get(t, "spec.replicas"))
	assert.Equal(t, "zk-hs", sts.Get(t, "spec.serviceName"))
	assert.Equal(t, "Parallel", sts.Get(t, "spec.podManagementPolicy"), "readiness needs a quorum")
	pod := "spec.template.spec."
	assert.Equal(t, zookeeper.DefaultImage, sts.Get(t, pod+"containers[0].image"))
	assert.Equal(t, "localhost/zookeeper:1", sts.Get(t, pod+"containers[0].image"))
	assert.Equal(t, "kubernetes.io/hostname",
		sts.Get(t, pod+"affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey"), "hard anti-affinity")
	assert.False(t, sts.Has(pod+"affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution"))
	assert.Equal(t, 1000.0, sts.Get(t, pod+"securityContext.runAsUser"))
	assert.Equal(t, 1000.0, sts.Get(t, pod+"securityContext.fsGroup"))
	assert.Contains(t, sts.Get(t, pod+"containers[0].readinessProbe.exec.command[2]"), `*"Mode: "*`)
	assert.Contains(t, sts.Get(t, pod+"containers[0].livenessProbe.exec.command[2]"), `printf ruok`)
	assert.Equal(t, []any{"sh", "-c", engines.ZooKeeperStartScript()}, sts.Get(t, pod+"containers[0].command"))
	assert.Equal(t, "datadir", sts.Get(t, "spec.volumeClaimTemplates[0].metadata.name"))
	assert.Equal(t, "20Gi", sts.Get(t, "spec.volumeClaimTemplates[0].spec.resources.requests.storage"))
	assert.Equal(t, "zk-disks", sts.Get(t, "spec.volumeClaimTemplates[0].spec.storageClassName"))

	// The settings: one generated ConfigMap projected as ZOOCFGDIR, the heap read as env.
	cm := rec.FindPrefix(t, exampletest.ConfigMap, "zk-config-")
	data := cm.Get(t, "data").(map[string]any)
	assert.Len(t, data, 4)
	assert.Equal(t, engines.ZooKeeperConfig("zk", "zk-hs", 3, nil), data["zoo.cfg"])
	assert.Equal(t, "512M", data["jvm.heap"])
	assert.Contains(t, data, "logback.xml")
	assert.Contains(t, data, "log4j.properties")
	cmName := cm.Get(t, "metadata.name")
	assert.Equal(t, []any{
		map[string]any{"name": "ZOOCFGDIR", "value": "/etc/ordinal/zookeeper"},
		map[string]any{"name": "ZK_HEAP_SIZE", "valueFrom": map[string]any{"configMapKeyRef": map[string]any{"name": cmName, "key": "jvm.heap"}}},
	}, sts.Get(t, pod+"containers[0].env"))
	assert.Equal(t, cmName, sts.Get(t, pod+"volumes[0].projected.sources[0].configMap.name"))
	assert.Equal(t, map[string]any{"name": "config", "mountPath": "/etc/ordinal/zookeeper", "readOnly": true},
		sts.Get(t, pod+"containers[0].volumeMounts[1]"))

	headless := rec.Find(t, exampletest.Service, "zk-network-headless")
	assert.Equal(t, "zk-hs", headless.Get(t, "metadata.name"))
	assert.Equal(t, "None", headless.Get(t, "spec.clusterIP"))
	client := rec.Find(t, exampletest.Service, "zk-network-client")
	assert.Equal(t, "zk-cs", client.Get(t, "metadata.name"))
	assert.Equal(t, 2181.0, client.Get(t, "spec.ports[0].port"))
	assert.Len(t, client.Get(t, "spec.ports"), 1, "only the client port is public")

	// No init Job; the membership Job checks a change of the ensemble first.
	jobs := rec.ByType(exampletest.Job)
	require.Len(t, jobs, 1, "ZooKeeper needs no init Job")
	assert.Equal(t, "zk-members-3", jobs[0].Get(t, "metadata.name"))
	assert.Equal(t, "localhost/zookeeper:1", jobs[0].Get(t, "spec.template.spec.containers[0].image"), "the Job runs the servers' image")
	assert.Contains(t, sts.Options.Dependencies, jobs[0].URN, "the StatefulSet waits for the membership Job")
	require.Len(t, rec.ByType(exampletest.PV), 3)

	assert.Equal(t, "zk-0.zk-hs;zk-1.zk-hs;zk-2.zk-hs", out["ensemble"])
	assert.Equal(t, "zk", out["pdbName"])
	assert.Equal(t, exampletest.Strings("zk-cs.default.svc.cluster.local:2181"), out["clientEndpoints"])
	assert.Equal(t, exampletest.Strings(
		"zk-0.zk-hs.default.svc.cluster.local", "zk-1.zk-hs.default.svc.cluster.local", "zk-2.zk-hs.default.svc.cluster.local",
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
			name:   "five servers on five nodes",
			config: map[string]string{"replicas": "5", "nodes": "node-0,node-1,node-2,node-3,node-4", "heap": "1G"},
			check: func(t *testing.T, rec *ordinaltest.Recorder, out map[string]any) {
				assert.Equal(t, 3.0, rec.Find(t, exampletest.PDB, "zk-pdb").Get(t, "spec.minAvailable"))
				cm := rec.FindPrefix(t, exampletest.ConfigMap, "zk-config-")
				assert.Equal(t, "1G", cm.Get(t, `data["jvm.heap"]`))
				assert.Contains(t, cm.Get(t, `data["zoo.cfg"]`), "\nserver.5=zk-4.zk-hs:2888:3888\n")
				assert.Equal(t, "zk-0.zk-hs;zk-1.zk-hs;zk-2.zk-hs;zk-3.zk-hs;zk-4.zk-hs", out["ensemble"])
				assert.Len(t, out["podFqdns"], 5)
			},
		},
		{
			name:   "the public image",
			config: map[string]string{"image": engines.DefaultZooKeeperImage},
			check: func(t *testing.T, rec *ordinaltest.Recorder, _ map[string]any) {
				sts := rec.Find(t, exampletest.StatefulSet, "zk-statefulset")
				assert.Equal(t, "zookeeper:3.8", sts.Get(t, "spec.template.spec.containers[0].image"))
				assert.Equal(t, "3.8", sts.Get(t, `spec.template.metadata.labels["app.kubernetes.io/version"]`))
			},
		},
		{
			name:   "another name and namespace",
			config: map[string]string{"name": "coord", "namespace": "infra"},
			check: func(t *testing.T, rec *ordinaltest.Recorder, out map[string]any) {
				sts := rec.Find(t, exampletest.StatefulSet, "coord-statefulset")
				assert.Equal(t, "infra", sts.Get(t, "metadata.namespace"))
				assert.Equal(t, "coord-0.coord-hs;coord-1.coord-hs;coord-2.coord-hs", out["ensemble"])
				assert.Contains(t, rec.FindPrefix(t, exampletest.ConfigMap, "coord-config-").Get(t, `data["zoo.cfg"]`), "\nserver.1=coord-0.coord-hs:2888:3888\n")
				assert.Equal(t, exampletest.Strings("coord-cs.infra.svc.cluster.local:2181"), out["clientEndpoints"])
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
	// Hard anti-affinity: three servers cannot share two nodes, even with
	// enough volumes. The program fails before registering the ensemble.
	rec, err := ordinaltest.RunErr(zookeeper.Program, ordinaltest.WithConfig(map[string]string{
		"nodes": "node-0,node-1",
	}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LocalVolumePool")
	assert.Empty(t, rec.ByType(exampletest.StatefulSet))
}

func TestProgram(t *testing.T) {
	rec := ordinaltest.Run(t, zookeeper.Program)
	assert.Len(t, rec.ByType(exampletest.StatefulSet), 1)
}
