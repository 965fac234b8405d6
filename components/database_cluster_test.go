package components

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	k8sapps "k8s.io/api/apps/v1"
	k8score "k8s.io/api/core/v1"
	k8srbac "k8s.io/api/rbac/v1"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

const dbImage = "registry.example/db:v24.1"

// runFullCluster runs a pool and the complete dbSpec cluster on it, the
// image and the secret coming from config like in a real program.
func runFullCluster(t *testing.T, ns pulumi.StringInput) (*ordinaltest.Recorder, *DatabaseCluster) {
	t.Helper()
	var db *DatabaseCluster
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		pool, err := NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: poolSpec()})
		if err != nil {
			return err
		}
		image, _ := ctx.GetConfig("test:image")
		password, _ := ctx.GetConfig("test:password")
		db, err = NewDatabaseCluster(ctx, "db", &DatabaseClusterArgs{
			Namespace:  ns,
			Spec:       dbSpec(),
			Image:      pulumi.String(image).ToStringOutput(),
			Pool:       pool,
			SecretData: map[string]pulumi.StringInput{"password": pulumi.String(password)},
		})
		return err
	}, ordinaltest.WithConfig(map[string]string{"image": dbImage}), ordinaltest.WithSecret("password", secretValue))
	return rec, db
}

func TestDatabaseClusterChildren(t *testing.T) {
	rec, db := runFullCluster(t, nil)

	requireChildrenOf(t, rec, DatabaseClusterType, "db", []string{
		HeadlessNetworkType + "::db-network",
		kubetypes.ConfigMap + "::db-config-4fb43b46e4",
		kubetypes.Secret + "::db-secret",
		kubetypes.ConfigMap + "::db-lifetime",
		kubetypes.StatefulSet + "::db-statefulset",
		kubetypes.PersistentVolumeClaimPatch + "::db-claim-data-db-0",
		kubetypes.PersistentVolumeClaimPatch + "::db-claim-data-db-1",
		kubetypes.PersistentVolumeClaimPatch + "::db-claim-data-db-2",
		kubetypes.PodDisruptionBudget + "::db-pdb",
		kubetypes.Job + "::db-init",
	})
	requireChildrenOf(t, rec, HeadlessNetworkType, "db-network", []string{
		kubetypes.Service + "::db-network-headless",
		kubetypes.Service + "::db-network-client",
	})
	// 7 cluster children + 3 claims + 2 Services + the component; 3 PVs + class + pool.
	assert.Equal(t, 13+5, rec.Count())

	selector := map[string]any{"app.kubernetes.io/component": "database", "app.kubernetes.io/instance": "db"}
	secretName := ordinaltest.AutoName("db-secret")
	cmName := db.Plan.ConfigMap.Name
	require.Regexp(t, `^db-config-[0-9a-f]{10}$`, cmName)

	t.Run("services", func(t *testing.T) {
		svc := rec.Find(t, kubetypes.Service, "db-network-headless")
		assert.Equal(t, "db", svc.Get(t, "metadata.name"))
		assert.Equal(t, "None", svc.Get(t, "spec.clusterIP"))
		assert.Equal(t, true, svc.Get(t, "spec.publishNotReadyAddresses"))
		assert.Equal(t, selector, svc.Get(t, "spec.selector"))
		client := rec.Find(t, kubetypes.Service, "db-network-client")
		assert.Equal(t, "db-public", client.Get(t, "metadata.name"))
		assert.Equal(t, "ClusterIP", client.Get(t, "spec.type"))
		assert.Equal(t, []any{
			map[string]any{"name": "sql", "port": 26257.0, "protocol": "TCP", "targetPort": "sql"},
			map[string]any{"name": "http", "port": 8080.0, "protocol": "TCP", "targetPort": "http"},
		}, client.Get(t, "spec.ports"))
	})

	t.Run("config map", func(t *testing.T) {
		cm := rec.FindPrefix(t, kubetypes.ConfigMap, "db-config-")
		assert.Equal(t, cmName, cm.Get(t, "metadata.name"), "content-addressed name")
		assert.Equal(t, map[string]any{"db.conf": "cache=1GiB\n", "mode": "cluster"}, cm.Get(t, "data"))
		assert.False(t, cm.Has("metadata.namespace"))
	})

	t.Run("secret", func(t *testing.T) {
		s := rec.Find(t, kubetypes.Secret, "db-secret")
		assert.False(t, s.Has("metadata.name"), "autonamed: new content, new name")
		assert.Equal(t, "Opaque", s.Get(t, "type"))
		assert.Equal(t, secretValue, s.Get(t, "stringData.password"))
		assert.True(t, s.IsSecret("stringData.password"), "the value reaches the engine as a secret")
		assert.False(t, s.Has("data"))
		assert.Equal(t, "database", s.Get(t, `metadata.labels["app.kubernetes.io/component"]`))
	})

	t.Run("claims", func(t *testing.T) {
		sts := rec.Find(t, kubetypes.StatefulSet, "db-statefulset")
		for i := range 3 {
			name := fmt.Sprintf("data-db-%d", i)
			c := rec.Find(t, kubetypes.PersistentVolumeClaimPatch, "db-claim-"+name)
			// What the StatefulSet controller would make from the template.
			assert.Equal(t, "v1", c.Get(t, "apiVersion"))
			assert.Equal(t, "PersistentVolumeClaim", c.Get(t, "kind"))
			assert.Equal(t, name, c.Get(t, "metadata.name"))
			assert.Equal(t, selector, c.Get(t, "metadata.labels"))
			assert.Equal(t, map[string]any{"pulumi.com/patchForce": "true", "pulumi.com/skipAwait": "true"}, c.Get(t, "metadata.annotations"))
			assert.Equal(t, sts.Get(t, "spec.volumeClaimTemplates[0].spec"), c.Get(t, "spec"))
			assert.Equal(t, "5Gi", c.Get(t, "spec.resources.requests.storage"))
			assert.Equal(t, "disks", c.Get(t, "spec.storageClassName"))
			// Never deleted by Pulumi; after the pool, before the StatefulSet.
			assert.True(t, c.Options.RetainOnDelete, "a claim leaving the program must keep its data")
			assert.Contains(t, c.Options.Dependencies, rec.Find(t, kubetypes.StorageClass, "disks-class").URN)
			assert.Contains(t, sts.Options.Dependencies, c.URN, "the StatefulSet waits for its claims")
		}
	})

	t.Run("lifetime", func(t *testing.T) {
		lt := rec.Find(t, kubetypes.ConfigMap, "db-lifetime")
		sts := rec.Find(t, kubetypes.StatefulSet, "db-statefulset")
		assert.Equal(t, "db-lifetime", lt.Get(t, "metadata.name"))
		assert.Equal(t, map[string]any{"pulumi.com/deletionPropagationPolicy": "foreground"}, lt.Get(t, "metadata.annotations"))
		assert.Equal(t, sts.Get(t, "metadata.labels"), lt.Get(t, "metadata.labels"))
		// The StatefulSet is owned by it and deleted with it: destroy
		// deletes the pods through the garbage collector.
		assert.Equal(t, []any{map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap", "name": "db-lifetime", "uid": ordinaltest.UID(lt.ID), "blockOwnerDeletion": true,
		}}, sts.Get(t, "metadata.ownerReferences"))
		assert.Equal(t, lt.URN, sts.Options.DeletedWith)
		assert.Contains(t, sts.Options.Dependencies, lt.URN)
	})

	t.Run("statefulset", func(t *testing.T) {
		sts := rec.Find(t, kubetypes.StatefulSet, "db-statefulset")
		assert.Equal(t, "db", sts.Get(t, "metadata.name"))
		assert.Equal(t, map[string]any{
			"pulumi.com/deletionPropagationPolicy": "orphan",
			"pulumi.com/patchForce":                "true",
			"pulumi.com/timeoutSeconds":            "600",
			"pulumi.com/waitFor":                   "jsonpath={$[?@.readyReplicas==3 && @.updatedReplicas>2]}",
			cluster.ClaimsAnnotation:               `[{"name":"data","size":"5Gi","storageClass":"disks","accessModes":["ReadWriteOnce"],"volumeMode":"Filesystem"}]`,
		}, sts.Get(t, "metadata.annotations"))
		// Changes that would reach no existing claim are ignored, and refused
		// by the hook (TestRefuseClaimChanges).
		assert.Equal(t, cluster.ClaimTemplatePaths(1), sts.Options.IgnoreChanges)
		assert.Equal(t, 3.0, sts.Get(t, "spec.replicas"))
		assert.Equal(t, "db", sts.Get(t, "spec.serviceName"))
		assert.Equal(t, "OrderedReady", sts.Get(t, "spec.podManagementPolicy"))
		assert.Equal(t, map[string]any{"matchLabels": selector}, sts.Get(t, "spec.selector"))
		assert.Equal(t, map[string]any{"whenDeleted": "Retain", "whenScaled": "Retain"}, sts.Get(t, "spec.persistentVolumeClaimRetentionPolicy"))
		assert.Equal(t, map[string]any{"type": "RollingUpdate", "rollingUpdate": map[string]any{"partition": 0.0}}, sts.Get(t, "spec.updateStrategy"))
		assert.Equal(t, db.Plan.ConfigChecksum, sts.Get(t, `spec.template.metadata.annotations["ordinal.dev/config-checksum"]`))

		c := "spec.template.spec.containers[0]"
		assert.Equal(t, dbImage, sts.Get(t, c+".image"), "deploy-time image resolved")
		assert.Equal(t, []any{
			map[string]any{"name": "DB_PASSWORD", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": secretName, "key": "password"}}},
			map[string]any{"name": "DB_MODE", "valueFrom": map[string]any{"configMapKeyRef": map[string]any{"name": cmName, "key": "mode"}}},
			map[string]any{"name": "PLAIN", "value": "visible"},
		}, sts.Get(t, c+".env"), "generated names resolved; the secret stays a reference")
		assert.Equal(t, []any{
			map[string]any{"name": "data", "mountPath": "/var/lib/db"},
			map[string]any{"name": "config", "mountPath": "/etc/ordinal", "readOnly": true},
		}, sts.Get(t, c+".volumeMounts"))
		assert.Equal(t, []any{
			map[string]any{"name": "sql", "containerPort": 26257.0, "protocol": "TCP"},
			map[string]any{"name": "http", "containerPort": 8080.0, "protocol": "TCP"},
		}, sts.Get(t, c+".ports"))

		assert.Equal(t, []any{
			map[string]any{"configMap": map[string]any{"name": cmName}},
			map[string]any{"secret": map[string]any{"name": secretName, "items": []any{
				map[string]any{"key": "password", "path": "password", "mode": 256.0},
			}}},
		}, sts.Get(t, "spec.template.spec.volumes[0].projected.sources"), "one projected volume: ConfigMap and Secret (mode 0400)")
		assert.Equal(t, "config", sts.Get(t, "spec.template.spec.volumes[0].name"))

		claim := "spec.volumeClaimTemplates[0]"
		assert.Equal(t, "data", sts.Get(t, claim+".metadata.name"))
		assert.Equal(t, "disks", sts.Get(t, claim+".spec.storageClassName"), "the pool's class")
		assert.Equal(t, "5Gi", sts.Get(t, claim+".spec.resources.requests.storage"))
		assert.Equal(t, []any{"ReadWriteOnce"}, sts.Get(t, claim+".spec.accessModes"))

		deps := sts.Options.Dependencies
		for _, want := range []ordinaltest.Resource{
			rec.Find(t, kubetypes.Service, "db-network-headless"),
			rec.Find(t, kubetypes.Service, "db-network-client"),
			rec.FindPrefix(t, kubetypes.ConfigMap, "db-config-"),
			rec.Find(t, kubetypes.Secret, "db-secret"),
			rec.Find(t, kubetypes.StorageClass, "disks-class"),
		} {
			assert.Contains(t, deps, want.URN, "the StatefulSet waits for %s", want)
		}
		for _, pv := range rec.ByType(kubetypes.PersistentVolume) {
			assert.Contains(t, deps, pv.URN, "the StatefulSet waits for the pool's PVs")
		}
	})

	t.Run("pdb", func(t *testing.T) {
		pdb := rec.Find(t, kubetypes.PodDisruptionBudget, "db-pdb")
		assert.Equal(t, "db", pdb.Get(t, "metadata.name"))
		assert.Equal(t, 2.0, pdb.Get(t, "spec.minAvailable"), "quorum of 3")
		assert.False(t, pdb.Has("spec.maxUnavailable"))
		assert.Equal(t, selector, pdb.Get(t, "spec.selector.matchLabels"))
	})

	t.Run("init job", func(t *testing.T) {
		job := rec.Find(t, kubetypes.Job, "db-init")
		assert.Equal(t, "db-init", job.Get(t, "metadata.name"))
		assert.Equal(t, map[string]any{
			"pulumi.com/replaceUnready": "true",
			"pulumi.com/timeoutSeconds": "600",
		}, job.Get(t, "metadata.annotations"))
		assert.Equal(t, dbImage, job.Get(t, "spec.template.spec.containers[0].image"), "defaults to the first container's deploy-time image")
		assert.Equal(t, []any{"db", "init", "--host=db-0.db"}, job.Get(t, "spec.template.spec.containers[0].command"))
		assert.Equal(t, "OnFailure", job.Get(t, "spec.template.spec.restartPolicy"))
		assert.Equal(t, 20.0, job.Get(t, "spec.backoffLimit"))
		assert.Equal(t, 900.0, job.Get(t, "spec.activeDeadlineSeconds"))
		assert.Equal(t, "init", job.Get(t, `spec.template.metadata.labels["app.kubernetes.io/component"]`))

		sts := rec.Find(t, kubetypes.StatefulSet, "db-statefulset")
		assert.NotContains(t, job.Options.Dependencies, sts.URN, "the init Job never waits for the StatefulSet (init deadlock)")
		assert.Contains(t, job.Options.Dependencies, rec.Find(t, kubetypes.Service, "db-network-headless").URN)
		assert.Equal(t, []string{"spec.template.spec.containers[0].image"}, job.Options.IgnoreChanges,
			"an image upgrade must not replace (re-run) the init Job")
	})

	t.Run("outputs", func(t *testing.T) {
		assert.Equal(t, "db", ordinaltest.Await[string](t, db.StatefulSetName))
		assert.Equal(t, "db", ordinaltest.Await[string](t, db.ServiceName))
		assert.Equal(t, "default", ordinaltest.Await[string](t, db.Namespace))
		assert.Equal(t, "db", ordinaltest.Await[string](t, db.PDBName))
		assert.Equal(t, "db-init", ordinaltest.Await[string](t, db.InitJobName))
		assert.Equal(t, []string{
			"db-0.db.default.svc.cluster.local",
			"db-1.db.default.svc.cluster.local",
			"db-2.db.default.svc.cluster.local",
		}, ordinaltest.Await[[]string](t, db.PodFQDNs))
		assert.Equal(t, "db-0.db.default.svc.cluster.local:26257,db-1.db.default.svc.cluster.local:26257,db-2.db.default.svc.cluster.local:26257",
			ordinaltest.Await[string](t, db.PeerList))
		assert.Equal(t, []string{"db-public.default.svc.cluster.local:26257", "db-public.default.svc.cluster.local:8080"},
			ordinaltest.Await[[]string](t, db.ClientEndpoints))
		sum := ordinaltest.Await[string](t, db.ConfigChecksum)
		assert.Regexp(t, "^[0-9a-f]{64}$", sum)
		assert.Equal(t, db.Plan.ConfigChecksum, sum)
		name := ordinaltest.Await[*string](t, db.Secret.Metadata.Name())
		require.NotNil(t, name)
		assert.Equal(t, secretName, *name, "the autoname the pods refer to")
	})
}

// The secret value reaches the engine only as the Secret's stringData,
// marked secret; it is never copied into ConfigMap data, env literals,
// annotations or any other resource.
func TestDatabaseClusterSecretNeverLeaks(t *testing.T) {
	rec, db := runFullCluster(t, nil)
	for _, r := range rec.Resources() {
		if r.Type == kubetypes.Secret {
			for _, key := range []string{"stringData", "stringData.password"} {
				assert.True(t, r.IsSecret(key), key)
			}
			out := ordinaltest.Resource{Inputs: r.Outputs}
			assert.True(t, out.IsSecret("stringData.password"), "still secret in the outputs (state)")
			continue
		}
		assert.NotContains(t, fmt.Sprint(r.Plain), secretValue, "%s carries the secret in its inputs", r)
		assert.NotContains(t, fmt.Sprint(r.Outputs), secretValue, "%s carries the secret in its outputs", r)
	}
	// The plan itself never sees the value.
	assert.NotContains(t, fmt.Sprintf("%+v", *db.Plan), secretValue)
}

func TestDatabaseClusterNamespace(t *testing.T) {
	rec, db := runFullCluster(t, pulumi.String("prod"))
	namespaced := map[string]bool{kubetypes.Service: true, kubetypes.ConfigMap: true, kubetypes.Secret: true, kubetypes.StatefulSet: true, kubetypes.PodDisruptionBudget: true, kubetypes.Job: true, kubetypes.PersistentVolumeClaimPatch: true}
	n := 0
	for _, r := range rec.Resources() {
		if namespaced[r.Type] {
			n++
			assert.Equal(t, "prod", r.Get(t, "metadata.namespace"), r.String())
		} else if r.Custom {
			assert.False(t, r.Has("metadata.namespace"), "%s is cluster-scoped", r)
		}
	}
	assert.Equal(t, 11, n)
	assert.Equal(t, "prod", ordinaltest.Await[string](t, db.Namespace))
	assert.Equal(t, "db-2.db.prod.svc.cluster.local", ordinaltest.Await[[]string](t, db.PodFQDNs)[2])
}

func TestDatabaseClusterMinimal(t *testing.T) {
	var db *DatabaseCluster
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		db, err = NewDatabaseCluster(ctx, "cache", &DatabaseClusterArgs{Spec: cluster.Spec{
			Replicas:   1,
			Ports:      []network.Port{{Name: "redis", Port: 6379}},
			Containers: []k8score.Container{{Name: "redis", Image: "redis:8"}},
			Disruption: &cluster.Disruption{Disabled: true},
		}})
		return err
	})
	requireChildrenOf(t, rec, DatabaseClusterType, "cache", []string{
		HeadlessNetworkType + "::cache-network",
		kubetypes.ConfigMap + "::cache-lifetime",
		kubetypes.StatefulSet + "::cache-statefulset",
	})
	sts := rec.Find(t, kubetypes.StatefulSet, "cache-statefulset")
	assert.Equal(t, "redis:8", sts.Get(t, "spec.template.spec.containers[0].image"))
	assert.False(t, sts.Has("spec.volumeClaimTemplates"))
	assert.False(t, sts.Has("spec.template.metadata.annotations"), "no config, no checksum")
	assert.Nil(t, db.PDB)
	assert.Nil(t, db.InitJob)
	assert.Nil(t, db.ConfigMap)
	assert.Nil(t, db.Secret)
	assert.Empty(t, ordinaltest.Await[string](t, db.PDBName))
	assert.Empty(t, ordinaltest.Await[string](t, db.InitJobName))
	assert.Empty(t, ordinaltest.Await[string](t, db.ConfigChecksum))
	assert.Equal(t, []string{"cache.default.svc.cluster.local:6379"}, ordinaltest.Await[[]string](t, db.ClientEndpoints))
}

// Deploy-time inputs (image per container, storage class) resolve into the
// StatefulSet and Job specs.
func TestDatabaseClusterDeployTimeInputs(t *testing.T) {
	spec := dbSpec()
	spec.Containers = append(spec.Containers, k8score.Container{Name: "sidecar"})
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		class := pulumi.String("gp3").ToStringOutput()
		_, err := NewDatabaseCluster(ctx, "db", &DatabaseClusterArgs{
			Spec:             spec,
			Image:            pulumi.String(dbImage),
			Images:           map[string]pulumi.StringInput{"sidecar": pulumi.String("proxy:2"), cluster.InitContainerName: pulumi.String("tools:1")},
			StorageClassName: class,
			SecretData:       map[string]pulumi.StringInput{"password": pulumi.ToSecret(pulumi.String(secretValue)).(pulumi.StringOutput)},
		})
		return err
	})
	sts := rec.Find(t, kubetypes.StatefulSet, "db-statefulset")
	assert.Equal(t, dbImage, sts.Get(t, "spec.template.spec.containers[0].image"))
	assert.Equal(t, "proxy:2", sts.Get(t, "spec.template.spec.containers[1].image"))
	assert.Equal(t, "gp3", sts.Get(t, "spec.volumeClaimTemplates[0].spec.storageClassName"))
	job := rec.Find(t, kubetypes.Job, "db-init")
	assert.Equal(t, "tools:1", job.Get(t, "spec.template.spec.containers[0].image"))
}

func TestDatabaseClusterProviderAnnotations(t *testing.T) {
	tests := []struct {
		name     string
		strategy cluster.UpdateStrategy
		deletion StatefulSetDeletion
		timeout  int
		wantSts  map[string]any
		wantJob  map[string]any
	}{
		{
			name: "defaults: wait for a complete rollout, never for a stale status",
			wantSts: map[string]any{
				"pulumi.com/deletionPropagationPolicy": "orphan", "pulumi.com/patchForce": "true", "pulumi.com/timeoutSeconds": "600",
				"pulumi.com/waitFor": "jsonpath={$[?@.readyReplicas==3 && @.updatedReplicas>2]}",
			},
			wantJob: map[string]any{"pulumi.com/replaceUnready": "true", "pulumi.com/timeoutSeconds": "600"},
		},
		{
			name:     "partition holds every pod: wait for ready replicas instead",
			strategy: cluster.UpdateStrategy{Partition: 3},
			wantSts: map[string]any{
				"pulumi.com/deletionPropagationPolicy": "orphan", "pulumi.com/patchForce": "true", "pulumi.com/timeoutSeconds": "600",
				"pulumi.com/waitFor": "jsonpath={.status.readyReplicas}=3",
			},
			wantJob: map[string]any{"pulumi.com/replaceUnready": "true", "pulumi.com/timeoutSeconds": "600"},
		},
		{
			name:     "OnDelete updates",
			strategy: cluster.UpdateStrategy{Type: k8sapps.OnDeleteStatefulSetStrategyType},
			timeout:  1200,
			wantSts: map[string]any{
				"pulumi.com/deletionPropagationPolicy": "orphan", "pulumi.com/patchForce": "true", "pulumi.com/timeoutSeconds": "1200",
				"pulumi.com/waitFor": "jsonpath={.status.readyReplicas}=3",
			},
			wantJob: map[string]any{"pulumi.com/replaceUnready": "true", "pulumi.com/timeoutSeconds": "1200"},
		},
		{
			name:     "background deletion and a short timeout",
			deletion: DeletionBackground,
			timeout:  120,
			wantSts: map[string]any{
				"pulumi.com/patchForce": "true", "pulumi.com/timeoutSeconds": "120",
				"pulumi.com/waitFor": "jsonpath={$[?@.readyReplicas==3 && @.updatedReplicas>2]}",
			},
			wantJob: map[string]any{"pulumi.com/replaceUnready": "true", "pulumi.com/timeoutSeconds": "120"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := dbSpec()
			spec.UpdateStrategy = tt.strategy
			rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
				_, err := NewDatabaseCluster(ctx, "db", &DatabaseClusterArgs{
					Spec: spec, Image: pulumi.String(dbImage), Deletion: tt.deletion, AwaitTimeoutSeconds: tt.timeout,
					SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)},
				})
				return err
			})
			ann := rec.Find(t, kubetypes.StatefulSet, "db-statefulset").Get(t, "metadata.annotations").(map[string]any)
			delete(ann, cluster.ClaimsAnnotation) // not the provider's
			assert.Equal(t, tt.wantSts, ann)
			assert.Equal(t, tt.wantJob, rec.Find(t, kubetypes.Job, "db-init").Get(t, "metadata.annotations"))

			// The plain functions give the same answer.
			plan, _, err := PlanDatabaseCluster("db", &DatabaseClusterArgs{Spec: spec, Image: pulumi.String(dbImage),
				SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)}})
			require.NoError(t, err)
			assert.Equal(t, tt.wantSts, toAny(StatefulSetAnnotations(plan.Spec, tt.deletion, tt.timeout)))
			assert.Equal(t, tt.wantJob, toAny(InitJobAnnotations(tt.timeout)))
		})
	}
}

// A partition below the replicas also sets a waitFor condition; its exact
// form is StatefulSetAnnotations' business, the component must use it.
func TestDatabaseClusterPartialPartition(t *testing.T) {
	spec := dbSpec()
	spec.UpdateStrategy = cluster.UpdateStrategy{Partition: 2}
	args := &DatabaseClusterArgs{Spec: spec, Image: pulumi.String(dbImage),
		SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)}}
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		_, err := NewDatabaseCluster(ctx, "db", args)
		return err
	})
	plan, _, err := PlanDatabaseCluster("db", args)
	require.NoError(t, err)
	want := StatefulSetAnnotations(plan.Spec, "", 0)["pulumi.com/waitFor"]
	assert.True(t, strings.HasPrefix(want, "jsonpath={"), want)
	sts := rec.Find(t, kubetypes.StatefulSet, "db-statefulset")
	assert.Equal(t, want, sts.Get(t, `metadata.annotations["pulumi.com/waitFor"]`))
	assert.Equal(t, 2.0, sts.Get(t, "spec.updateStrategy.rollingUpdate.partition"))
}

func TestDatabaseClusterAccessAndNetworkPolicy(t *testing.T) {
	spec := dbSpec()
	spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true}
	spec.Access = &cluster.Access{Rules: []k8srbac.PolicyRule{{APIGroups: []string{""}, Resources: []string{"endpoints"}, Verbs: []string{"get", "list"}}}}
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		_, err := NewDatabaseCluster(ctx, "db", &DatabaseClusterArgs{
			Spec: spec, Image: pulumi.String(dbImage),
			SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)},
		})
		return err
	})
	requireChildrenOf(t, rec, DatabaseClusterType, "db", []string{
		HeadlessNetworkType + "::db-network",
		kubetypes.ConfigMap + "::db-config-4fb43b46e4",
		kubetypes.Secret + "::db-secret",
		kubetypes.NetworkPolicy + "::db-netpol",
		kubetypes.ServiceAccount + "::db-sa",
		kubetypes.Role + "::db-role",
		kubetypes.RoleBinding + "::db-rolebinding",
		kubetypes.ConfigMap + "::db-lifetime",
		kubetypes.StatefulSet + "::db-statefulset",
		kubetypes.PersistentVolumeClaimPatch + "::db-claim-data-db-0",
		kubetypes.PersistentVolumeClaimPatch + "::db-claim-data-db-1",
		kubetypes.PersistentVolumeClaimPatch + "::db-claim-data-db-2",
		kubetypes.PodDisruptionBudget + "::db-pdb",
		kubetypes.Job + "::db-init",
	})
	np := rec.Find(t, kubetypes.NetworkPolicy, "db-netpol")
	assert.Equal(t, "db", np.Get(t, "metadata.name"))
	assert.Equal(t, []any{"Ingress"}, np.Get(t, "spec.policyTypes"))
	sa := rec.Find(t, kubetypes.ServiceAccount, "db-sa")
	assert.Equal(t, "db", sa.Get(t, "metadata.name"))
	assert.Equal(t, false, sa.Get(t, "automountServiceAccountToken"))
	role := rec.Find(t, kubetypes.Role, "db-role")
	assert.Equal(t, []any{""}, role.Get(t, "rules[0].apiGroups"))
	assert.Equal(t, []any{"endpoints"}, role.Get(t, "rules[0].resources"))
	assert.Equal(t, []any{"get", "list"}, role.Get(t, "rules[0].verbs"))
	assert.Len(t, role.Get(t, "rules"), 1)
	rb := rec.Find(t, kubetypes.RoleBinding, "db-rolebinding")
	assert.Equal(t, map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "db"}, rb.Get(t, "roleRef"))
	assert.Equal(t, []any{map[string]any{"kind": "ServiceAccount", "name": "db", "namespace": "default"}}, rb.Get(t, "subjects"),
		"the subject names the namespace the cluster landed in")
	assert.Contains(t, rb.Options.Dependencies, sa.URN)
	assert.Contains(t, rb.Options.Dependencies, role.URN)

	sts := rec.Find(t, kubetypes.StatefulSet, "db-statefulset")
	for _, r := range []ordinaltest.Resource{np, rb} {
		assert.Contains(t, sts.Options.Dependencies, r.URN, "pods start after %s", r)
	}
}

func toAny(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// The spec carried into the plan has every default applied, which the
// tests above rely on; keep the assumption visible.
func TestDatabaseClusterPlanDefaults(t *testing.T) {
	plan, images, err := PlanDatabaseCluster("db", &DatabaseClusterArgs{Spec: dbSpec(), Image: pulumi.String(dbImage),
		SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)}})
	require.NoError(t, err)
	assert.Equal(t, []string{"db"}, slices.Sorted(maps.Keys(images)))
	assert.Equal(t, []string{"password"}, plan.Options.SecretKeys)
	assert.True(t, strings.HasPrefix(plan.ConfigMap.Name, "db-config-"))
	assert.Equal(t, cluster.GeneratedSecret, plan.Secret.Name, "named at deploy time")
}

// During a preview, values from other resources may be unknown. The set of
// resources must not depend on them (trap 7 in the reference): the preview
// shows the same resources as the update, with the affected specs unknown.
func TestDatabaseClusterPreviewWithUnknownImage(t *testing.T) {
	program := func(image pulumi.StringInput) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			pool, err := NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: poolSpec()})
			if err != nil {
				return err
			}
			_, err = NewDatabaseCluster(ctx, "db", &DatabaseClusterArgs{
				Spec: dbSpec(), Image: image, Pool: pool,
				SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)},
			})
			return err
		}
	}
	unknown := pulumi.UnsafeUnknownOutput(nil).ApplyT(func(v any) string { return "" }).(pulumi.StringOutput)
	preview := ordinaltest.Run(t, program(unknown), ordinaltest.WithPreview())
	update := ordinaltest.Run(t, program(pulumi.String(dbImage)))
	assert.Equal(t, update.Keys(), preview.Keys())

	sts := preview.Find(t, kubetypes.StatefulSet, "db-statefulset")
	assert.False(t, sts.Has("spec"), "unknown until the image is known (the mocks drop unknown inputs)")
	assert.True(t, update.Find(t, kubetypes.StatefulSet, "db-statefulset").Has("spec"))
	assert.Equal(t, "db", sts.Get(t, "metadata.name"), "metadata stays known")
	assert.Equal(t, "None", preview.Find(t, kubetypes.Service, "db-network-headless").Get(t, "spec.clusterIP"))
}
