package components

import (
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	k8sapps "k8s.io/api/apps/v1"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// advancedDB is dbSpec on an Advanced StatefulSet of 4 pods with ordinal 1
// reserved, its init Job pointed at pod 0.
func advancedDB(args *DatabaseClusterArgs) {
	args.Spec.Replicas = 4
	args.Spec.PodManagementPolicy = k8sapps.ParallelPodManagement
	args.Spec.UpdateStrategy.Partition = 1
	args.Spec.Workload = cluster.Workload{Kind: cluster.WorkloadAdvancedStatefulSet, ReserveOrdinals: []int32{1}, PodUpdatePolicy: cluster.PodUpdateInPlaceIfPossible}
}

func TestAdvancedStatefulSetRegistration(t *testing.T) {
	var db *DatabaseCluster
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		args := &DatabaseClusterArgs{Spec: dbSpec(), Image: pulumi.String(dbImage),
			SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)}}
		advancedDB(args)
		var err error
		db, err = NewDatabaseCluster(ctx, "db", args)
		return err
	})
	assert.Empty(t, rec.ByType(kubetypes.StatefulSet), "no apps/v1 StatefulSet")
	assert.Nil(t, db.StatefulSet)
	require.NotNil(t, db.AdvancedStatefulSet)

	sts := rec.Find(t, kubetypes.AdvancedStatefulSet, "db-statefulset")
	crd := rec.Find(t, kubetypes.CustomResourceDefinition, "db-kruise-crd")
	assert.Equal(t, KruiseCRD, crd.ID, "the cluster's OpenKruise CRD is read (in preview too), never created")
	assert.Equal(t, "apps.kruise.io/v1beta1", sts.Get(t, "apiVersion"))
	assert.Equal(t, "StatefulSet", sts.Get(t, "kind"))
	assert.Equal(t, "db", sts.Get(t, "metadata.name"))
	assert.Equal(t, 4.0, sts.Get(t, "spec.replicas"))
	assert.Equal(t, []any{1.0}, sts.Get(t, "spec.reserveOrdinals"))
	assert.Equal(t, "InPlaceIfPossible", sts.Get(t, "spec.updateStrategy.rollingUpdate.podUpdatePolicy"))
	assert.Equal(t, 1.0, sts.Get(t, "spec.updateStrategy.rollingUpdate.partition"))
	assert.Equal(t, dbImage, sts.Get(t, "spec.template.spec.containers[0].image"), "deploy-time image resolved")
	assert.Equal(t, []any{map[string]any{"conditionType": "InPlaceUpdateReady"}}, sts.Get(t, "spec.template.spec.readinessGates"))
	assert.False(t, sts.Has("spec.template.metadata.creationTimestamp"), "no null members reach the provider")
	assert.False(t, sts.Has("spec.volumeClaimTemplates[0].status"))
	ann := sts.Get(t, "metadata.annotations").(map[string]any)
	// The StatefulSet's await: 4 pods Ready, the 3 above the partition updated.
	assert.Equal(t, "jsonpath={$[?@.readyReplicas==4 && @.updatedReplicas>2]}", ann["pulumi.com/waitFor"])
	assert.Equal(t, "orphan", ann["pulumi.com/deletionPropagationPolicy"])
	assert.Contains(t, ann, cluster.ClaimsAnnotation, "the claims hook reads the same record")

	// Claims are the pods' (0, 2, 3, 4), never the reserved ordinal's.
	for _, name := range []string{"data-db-0", "data-db-2", "data-db-3", "data-db-4"} {
		c := rec.Find(t, kubetypes.PersistentVolumeClaimPatch, "db-claim-"+name)
		assert.Contains(t, sts.Options.Dependencies, c.URN)
	}
	_, found := rec.Lookup(kubetypes.PersistentVolumeClaimPatch, "db-claim-data-db-1")
	assert.False(t, found, "a reserved ordinal's claim is left as it is")
	lt := rec.Find(t, kubetypes.ConfigMap, "db-lifetime")
	assert.Equal(t, lt.URN, sts.Options.DeletedWith, "destroy deletes its pods as a StatefulSet's")

	assert.Equal(t, []string{
		"db-0.db.default.svc.cluster.local", "db-2.db.default.svc.cluster.local",
		"db-3.db.default.svc.cluster.local", "db-4.db.default.svc.cluster.local",
	}, ordinaltest.Await[[]string](t, db.PodFQDNs), "the outputs skip the reserved ordinal")
	assert.Equal(t, "db", ordinaltest.Await[string](t, db.StatefulSetName))
}

func TestAdvancedStatefulSetIsRefusedBeforeRegistration(t *testing.T) {
	rec, err := ordinaltest.RunErr(withDB(func(args *DatabaseClusterArgs) {
		advancedDB(args)
		args.Spec.Workload.ReserveOrdinals = []int32{0}
	}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `spec.init.command[2]: an init Job must not target a reserved ordinal; use a pod that exists, e.g. db-1.db, got "--host=db-0.db"`)
	assert.Zero(t, rec.Count(), "nothing registered: %v", rec.Keys())
}

func TestAdvancedStatefulSetUnderARenderProvider(t *testing.T) {
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		p, err := kubernetes.NewProvider(ctx, "yaml", &kubernetes.ProviderArgs{RenderYamlToDirectory: pulumi.String(t.TempDir())})
		if err != nil {
			return err
		}
		MarkRenderProvider(p)
		args := &DatabaseClusterArgs{Spec: dbSpec(), Image: pulumi.String(dbImage),
			SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)}}
		advancedDB(args)
		_, err = NewDatabaseCluster(ctx, "db", args, pulumi.Providers(p))
		return err
	})
	rec.Find(t, kubetypes.AdvancedStatefulSet, "db-statefulset")
	_, read := rec.Lookup(kubetypes.CustomResourceDefinition, "db-kruise-crd")
	assert.False(t, read, "no cluster to read the CRD from: rendering skips the check")
}
