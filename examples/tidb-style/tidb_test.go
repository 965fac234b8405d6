package tidbstyle_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/examples/internal/exampletest"
	tidbstyle "github.com/ordinal-dev/ordinal/examples/tidb-style"
)

func run(t *testing.T, config map[string]string) (*ordinaltest.Recorder, map[string]any) {
	t.Helper()
	var stack *tidbstyle.Stack
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		c, err := tidbstyle.LoadConfig(ctx)
		if err != nil {
			return err
		}
		stack, err = tidbstyle.Deploy(ctx, c)
		return err
	}, ordinaltest.WithConfig(config))
	return rec, exampletest.Outputs(t, stack.Outputs)
}

func TestTopology(t *testing.T) {
	rec, out := run(t, map[string]string{"namespace": "tidb"})
	pdHosts := []string{"pd-0.pd.tidb.svc.cluster.local", "pd-1.pd.tidb.svc.cluster.local", "pd-2.pd.tidb.svc.cluster.local"}
	assert.Equal(t, exampletest.Strings(pdHosts...), out["pdPodFqdns"])
	pd := "pd-0.pd.tidb.svc.cluster.local:2379,pd-1.pd.tidb.svc.cluster.local:2379,pd-2.pd.tidb.svc.cluster.local:2379"
	assert.Equal(t, pd, out["pdEndpoints"], "PD's client endpoints from its pods' DNS names")

	pdSts := rec.Find(t, kubetypes.StatefulSet, "pd-statefulset")
	assert.Contains(t, pdSts.Get(t, "spec.template.spec.containers[0].args"),
		"--initial-cluster=pd-0=http://pd-0.pd.tidb.svc.cluster.local:2380,pd-1=http://pd-1.pd.tidb.svc.cluster.local:2380,pd-2=http://pd-2.pd.tidb.svc.cluster.local:2380")

	// The storage group: an Advanced StatefulSet, fed by PD's endpoints.
	assert.ElementsMatch(t, []string{"pd-statefulset", "tidb-statefulset"}, exampletest.Names(rec.ByType(kubetypes.StatefulSet)))
	tikv := rec.Find(t, kubetypes.AdvancedStatefulSet, "tikv-statefulset")
	assert.Equal(t, "InPlaceIfPossible", tikv.Get(t, "spec.updateStrategy.rollingUpdate.podUpdatePolicy"))
	assert.Contains(t, tikv.Get(t, "spec.template.spec.containers[0].args"), "--pd="+pd)
	assert.Equal(t, 4.0, tikv.Get(t, "spec.replicas"))
	assert.False(t, tikv.Has("spec.reserveOrdinals"), "nothing reserved by default")

	tidb := rec.Find(t, kubetypes.StatefulSet, "tidb-statefulset")
	assert.Contains(t, tidb.Get(t, "spec.template.spec.containers[0].args"), "--path="+pd)
	assert.False(t, tidb.Has("spec.volumeClaimTemplates"), "the SQL group is stateless")
	assert.Equal(t, exampletest.Strings("tidb-public.tidb.svc.cluster.local:4000"), out["tidbEndpoints"])
	assert.Len(t, rec.ByType(kubetypes.PersistentVolume), 3+5, "3 PD disks, 5 TiKV disks")
}

func TestReservedStore(t *testing.T) {
	rec, out := run(t, map[string]string{"namespace": "tidb", "tikvReserve": "1"})
	tikv := rec.Find(t, kubetypes.AdvancedStatefulSet, "tikv-statefulset")
	assert.Equal(t, []any{1.0}, tikv.Get(t, "spec.reserveOrdinals"))
	assert.Equal(t, 4.0, tikv.Get(t, "spec.replicas"), "still 4 stores")
	assert.Equal(t, exampletest.Strings(
		"tikv-0.tikv.tidb.svc.cluster.local", "tikv-2.tikv.tidb.svc.cluster.local",
		"tikv-3.tikv.tidb.svc.cluster.local", "tikv-4.tikv.tidb.svc.cluster.local",
	), out["tikvPodFqdns"])
	_, found := rec.Lookup(kubetypes.PersistentVolumeClaimPatch, "tikv-claim-data-tikv-1")
	assert.False(t, found, "the reserved store's claim is left alone, with its data")
	rec.Find(t, kubetypes.PersistentVolumeClaimPatch, "tikv-claim-data-tikv-4")
}

func TestBadReserveIsRefused(t *testing.T) {
	_, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		c, err := tidbstyle.LoadConfig(ctx)
		if err != nil {
			return err
		}
		_, err = tidbstyle.Deploy(ctx, c)
		return err
	}, ordinaltest.WithConfig(map[string]string{"tikvReserve": "9"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `DatabaseCluster "tikv": spec.workload.reserveOrdinals[0]: must be in [0, 5)`)
}
