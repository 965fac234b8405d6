package cluster_test

import (
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// dbSpec is a valid three-node, CockroachDB-like cluster.
func dbSpec() cluster.Spec {
	return cluster.Spec{
		Replicas: 3,
		Ports: []network.Port{
			{Name: "grpc", Port: 26257, Client: true, Peer: true},
			{Name: "http", Port: 8080, Client: true},
		},
		Containers: []corev1.Container{{
			Name:  "db",
			Image: "cockroachdb/cockroach:v24.1.0",
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				HTTPGet: &corev1.HTTPGetAction{Path: "/health?ready=1", Port: intstr.FromString("http")},
			}},
		}},
		Claims: []cluster.Claim{{Name: "data", Size: "10Gi", MountPath: "/cockroach/cockroach-data"}},
	}
}

func mustPlan(t *testing.T, spec cluster.Spec, opts cluster.Options) *cluster.Plan {
	t.Helper()
	p, err := cluster.New("db", spec, opts)
	require.NoError(t, err)
	require.NotNil(t, p)
	return p
}

func podSpecOf(p *cluster.Plan) corev1.PodSpec { return p.StatefulSet.Spec.Template.Spec }

func TestDefaults(t *testing.T) {
	in := dbSpec()
	in.Config = &cluster.Config{Data: map[string]string{"a": "b"}}
	in.Init = &cluster.InitJob{Command: []string{"init"}}
	got := cluster.Defaults("db", in)

	assert.Equal(t, "db", got.AppName)
	assert.Equal(t, appsv1.OrderedReadyPodManagement, got.PodManagementPolicy)
	assert.Equal(t, appsv1.RollingUpdateStatefulSetStrategyType, got.UpdateStrategy.Type)
	assert.Equal(t, cluster.ClaimRetention{WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType, WhenScaled: appsv1.RetainPersistentVolumeClaimRetentionPolicyType}, got.ClaimRetention)
	assert.Equal(t, "db", got.Network.ServiceName)
	for _, p := range got.Ports {
		assert.Equal(t, corev1.ProtocolTCP, p.Protocol, p.Name)
	}
	assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, got.Claims[0].AccessModes)
	assert.Equal(t, corev1.PersistentVolumeFilesystem, got.Claims[0].VolumeMode)
	assert.Equal(t, []string{"db"}, got.Claims[0].Containers)
	assert.Equal(t, "/etc/ordinal", got.Config.MountPath)
	assert.Equal(t, "config", got.Config.VolumeName)
	assert.Equal(t, int32(0o400), *got.Config.SecretMode)
	assert.Equal(t, []string{"db"}, got.Config.Containers)
	assert.Equal(t, cluster.AntiAffinitySoft, got.Scheduling.AntiAffinity)
	assert.Equal(t, "kubernetes.io/hostname", got.Scheduling.AntiAffinityTopologyKey)
	assert.Equal(t, "topology.kubernetes.io/zone", got.Scheduling.ZoneTopologyKey)
	assert.Equal(t, cluster.SecurityRestricted, got.Security.Profile)
	assert.Equal(t, int64(1000), *got.Security.RunAsUser)
	assert.Equal(t, int64(1000), *got.Security.RunAsGroup)
	assert.Equal(t, int64(1000), *got.Security.FSGroup)
	assert.Equal(t, int32(20), *got.Init.BackoffLimit)
	assert.Equal(t, int64(900), *got.Init.ActiveDeadlineSeconds)

	// The caller's spec is not modified.
	assert.Empty(t, in.Ports[0].Protocol)
	assert.Empty(t, in.Claims[0].AccessModes)
	assert.Empty(t, in.Config.MountPath)
	assert.Nil(t, in.Init.BackoffLimit)
	assert.Empty(t, in.Scheduling.AntiAffinity)

	none := cluster.Defaults("db", cluster.Spec{Security: cluster.Security{Profile: cluster.SecurityNone}})
	assert.Nil(t, none.Security.RunAsUser, "profile none sets nothing")
}

func TestPortsWithoutProtocol(t *testing.T) {
	// Regression: ports without a protocol were rejected as unsupported
	// protocol "" by cluster.New, although the network defaults them to TCP.
	p := mustPlan(t, dbSpec(), cluster.Options{})
	c := podSpecOf(p).Containers[0]
	require.Len(t, c.Ports, 2)
	assert.Equal(t, corev1.ContainerPort{Name: "grpc", ContainerPort: 26257, Protocol: corev1.ProtocolTCP}, c.Ports[0])
	assert.Equal(t, corev1.ProtocolTCP, p.Network.Service.Spec.Ports[0].Protocol)
}

func TestQuorum(t *testing.T) {
	tests := []struct{ n, want int32 }{{1, 1}, {2, 2}, {3, 2}, {4, 3}, {5, 3}, {6, 4}, {7, 4}}
	for _, tt := range tests {
		assert.Equal(t, tt.want, cluster.Quorum(tt.n), "quorum of %d", tt.n)
	}
}

func TestPodDisruptionBudget(t *testing.T) {
	alwaysAllow := policyv1.AlwaysAllow
	pct := intstr.FromString("50%")
	one := intstr.FromInt32(1)
	tests := []struct {
		name           string
		replicas       int32
		disruption     *cluster.Disruption
		wantNil        bool
		minAvailable   *intstr.IntOrString
		maxUnavailable *intstr.IntOrString
		eviction       *policyv1.UnhealthyPodEvictionPolicyType
	}{
		{name: "quorum of 3", replicas: 3, minAvailable: new(intstr.FromInt32(2))},
		{name: "quorum of 5", replicas: 5, minAvailable: new(intstr.FromInt32(3))},
		{name: "quorum of 4", replicas: 4, minAvailable: new(intstr.FromInt32(3))},
		// A quorum of 1 or 2 is every pod: minAvailable would block every
		// drain, so the default lets one pod go instead.
		{name: "one replica", replicas: 1, maxUnavailable: &one},
		{name: "two replicas", replicas: 2, maxUnavailable: &one},
		{name: "two replicas, empty disruption", replicas: 2, disruption: &cluster.Disruption{UnhealthyPodEvictionPolicy: &alwaysAllow}, maxUnavailable: &one, eviction: &alwaysAllow},
		{name: "empty disruption keeps quorum", replicas: 3, disruption: &cluster.Disruption{}, minAvailable: new(intstr.FromInt32(2))},
		// Explicit values that block every drain stay allowed: a user may
		// want drains to wait for a human.
		{name: "explicit minAvailable of every pod", replicas: 2, disruption: &cluster.Disruption{MinAvailable: new(intstr.FromInt32(2))}, minAvailable: new(intstr.FromInt32(2))},
		{name: "explicit maxUnavailable 0", replicas: 3, disruption: &cluster.Disruption{MaxUnavailable: new(intstr.FromInt32(0))}, maxUnavailable: new(intstr.FromInt32(0))},
		{name: "minAvailable percent", replicas: 3, disruption: &cluster.Disruption{MinAvailable: &pct}, minAvailable: &pct},
		{name: "maxUnavailable", replicas: 3, disruption: &cluster.Disruption{MaxUnavailable: &one, UnhealthyPodEvictionPolicy: &alwaysAllow}, maxUnavailable: &one, eviction: &alwaysAllow},
		{name: "disabled", replicas: 3, disruption: &cluster.Disruption{Disabled: true}, wantNil: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			s.Replicas = tt.replicas
			s.Disruption = tt.disruption
			p := mustPlan(t, s, cluster.Options{})
			if tt.wantNil {
				assert.Nil(t, p.PDB)
				return
			}
			pdb := p.PDB
			require.NotNil(t, pdb)
			assert.Equal(t, "policy/v1", pdb.APIVersion)
			assert.Equal(t, "PodDisruptionBudget", pdb.Kind)
			assert.Equal(t, "db", pdb.Name)
			assert.Equal(t, p.StatefulSet.Spec.Selector, pdb.Spec.Selector)
			assert.Equal(t, tt.minAvailable, pdb.Spec.MinAvailable)
			assert.Equal(t, tt.maxUnavailable, pdb.Spec.MaxUnavailable)
			assert.Equal(t, tt.eviction, pdb.Spec.UnhealthyPodEvictionPolicy)
		})
	}
}

func TestStatefulSet(t *testing.T) {
	s := dbSpec()
	s.MinReadySeconds = 10
	s.RevisionHistoryLimit = new(int32(5))
	s.PodManagementPolicy = appsv1.ParallelPodManagement
	p := mustPlan(t, s, cluster.Options{})
	sts := p.StatefulSet

	assert.Equal(t, "apps/v1", sts.APIVersion)
	assert.Equal(t, "StatefulSet", sts.Kind)
	assert.Equal(t, "db", sts.Name)
	assert.Equal(t, int32(3), *sts.Spec.Replicas)
	assert.Equal(t, "db", sts.Spec.ServiceName, "governed by the headless Service")
	assert.Equal(t, p.Network.Service.Name, sts.Spec.ServiceName)
	assert.Equal(t, &metav1.LabelSelector{MatchLabels: map[string]string{labels.Instance: "db", labels.Component: "database"}}, sts.Spec.Selector)
	assert.Equal(t, appsv1.ParallelPodManagement, sts.Spec.PodManagementPolicy)
	assert.Equal(t, int32(10), sts.Spec.MinReadySeconds)
	assert.Equal(t, int32(5), *sts.Spec.RevisionHistoryLimit)
	assert.Nil(t, sts.Spec.Ordinals, "ordinals start at 0 by default")
	assert.Equal(t, &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
		WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
		WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
	}, sts.Spec.PersistentVolumeClaimRetentionPolicy, "data is retained unless the user opts in")
	assert.Equal(t, appsv1.RollingUpdateStatefulSetStrategyType, sts.Spec.UpdateStrategy.Type)
	require.NotNil(t, sts.Spec.UpdateStrategy.RollingUpdate)
	assert.Equal(t, int32(0), *sts.Spec.UpdateStrategy.RollingUpdate.Partition)
	for k, v := range sts.Spec.Selector.MatchLabels {
		assert.Equal(t, v, sts.Spec.Template.Labels[k], "the template carries selector label %s", k)
	}
}

func TestUpdateStrategyAndOrdinals(t *testing.T) {
	maxUnavailable := intstr.FromInt32(2)
	tests := []struct {
		name  string
		edit  func(s *cluster.Spec)
		check func(t *testing.T, sts *appsv1.StatefulSet)
	}{
		{"partition holds old pods", func(s *cluster.Spec) { s.UpdateStrategy.Partition = 2 }, func(t *testing.T, sts *appsv1.StatefulSet) {
			require.NotNil(t, sts.Spec.UpdateStrategy.RollingUpdate)
			assert.Equal(t, int32(2), *sts.Spec.UpdateStrategy.RollingUpdate.Partition)
		}},
		{"partition may equal replicas", func(s *cluster.Spec) { s.UpdateStrategy.Partition = 3 }, func(t *testing.T, sts *appsv1.StatefulSet) {
			assert.Equal(t, int32(3), *sts.Spec.UpdateStrategy.RollingUpdate.Partition)
		}},
		{"max unavailable", func(s *cluster.Spec) { s.UpdateStrategy.MaxUnavailable = &maxUnavailable }, func(t *testing.T, sts *appsv1.StatefulSet) {
			assert.Equal(t, &maxUnavailable, sts.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable)
		}},
		{"OnDelete", func(s *cluster.Spec) { s.UpdateStrategy.Type = appsv1.OnDeleteStatefulSetStrategyType }, func(t *testing.T, sts *appsv1.StatefulSet) {
			assert.Equal(t, appsv1.OnDeleteStatefulSetStrategyType, sts.Spec.UpdateStrategy.Type)
			assert.Nil(t, sts.Spec.UpdateStrategy.RollingUpdate)
		}},
		{"ordinals start", func(s *cluster.Spec) { s.OrdinalStart = 1 }, func(t *testing.T, sts *appsv1.StatefulSet) {
			assert.Equal(t, &appsv1.StatefulSetOrdinals{Start: 1}, sts.Spec.Ordinals)
		}},
		{"claims deleted on opt-in", func(s *cluster.Spec) {
			s.ClaimRetention = cluster.ClaimRetention{WhenScaled: appsv1.DeletePersistentVolumeClaimRetentionPolicyType}
		}, func(t *testing.T, sts *appsv1.StatefulSet) {
			assert.Equal(t, appsv1.RetainPersistentVolumeClaimRetentionPolicyType, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted)
			assert.Equal(t, appsv1.DeletePersistentVolumeClaimRetentionPolicyType, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			tt.edit(&s)
			tt.check(t, mustPlan(t, s, cluster.Options{}).StatefulSet)
		})
	}
}

func TestOrdinalStartNames(t *testing.T) {
	s := dbSpec()
	s.OrdinalStart = 1
	p := mustPlan(t, s, cluster.Options{})
	assert.Equal(t, []string{"db-1.db", "db-2.db", "db-3.db"}, p.PodHosts())
	assert.Equal(t, "db-1.db.ns.svc.cluster.local:26257,db-2.db.ns.svc.cluster.local:26257,db-3.db.ns.svc.cluster.local:26257", p.Network.PeerList("ns"))
}

func TestVolumeClaimTemplates(t *testing.T) {
	pool, err := localpv.New("fast", localpv.Spec{Nodes: []string{"node-0", "node-1", "node-2"}, Path: "/mnt/ssd", Capacity: "100Gi"})
	require.NoError(t, err)
	tests := []struct {
		name      string
		claim     cluster.Claim
		opts      cluster.Options
		wantClass *string
	}{
		{"cluster default class", cluster.Claim{}, cluster.Options{}, nil},
		{"options class", cluster.Claim{}, cluster.Options{StorageClassName: "standard"}, new("standard")},
		{"pool class", cluster.Claim{}, cluster.Options{Pool: pool}, new("fast")},
		{"deploy-time class is left for Resolve", cluster.Claim{}, cluster.Options{DeployTimeStorageClass: true}, nil},
		{"claim class wins", cluster.Claim{StorageClassName: "slow"}, cluster.Options{StorageClassName: "standard"}, new("slow")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			c := tt.claim
			c.Name, c.Size, c.MountPath = "data", "10Gi", "/data"
			c.Labels = map[string]string{"backup": "daily"}
			c.Annotations = map[string]string{"example.com/note": "x"}
			s.Claims = []cluster.Claim{c}
			s.Version = "v24.1.0"
			s.Labels = map[string]string{"team": "data"}
			p := mustPlan(t, s, tt.opts)
			vcts := p.StatefulSet.Spec.VolumeClaimTemplates
			require.Len(t, vcts, 1)
			pvc := vcts[0]
			assert.Equal(t, "data", pvc.Name)
			assert.Equal(t, tt.wantClass, pvc.Spec.StorageClassName)
			assert.Equal(t, []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}, pvc.Spec.AccessModes)
			assert.Equal(t, corev1.PersistentVolumeFilesystem, *pvc.Spec.VolumeMode)
			assert.Equal(t, resource.MustParse("10Gi"), pvc.Spec.Resources.Requests[corev1.ResourceStorage])
			// Only immutable labels (plus the claim's own): a version bump
			// must not change the templates, or the StatefulSet is replaced.
			assert.Equal(t, map[string]string{labels.Instance: "db", labels.Component: "database", "backup": "daily"}, pvc.Labels)
			assert.Equal(t, map[string]string{"example.com/note": "x"}, pvc.Annotations)
		})
	}
}

func TestClaimsMountIntoContainers(t *testing.T) {
	s := dbSpec()
	s.Containers = append(s.Containers, corev1.Container{Name: "backup", Image: "backup:1"})
	s.Claims = []cluster.Claim{
		{Name: "data", Size: "10Gi", MountPath: "/data"},
		{Name: "wal", Size: "1Gi", MountPath: "/wal", Containers: []string{"db", "backup"}},
		{Name: "raw", Size: "5Gi", VolumeMode: corev1.PersistentVolumeBlock, DevicePath: "/dev/xvdb", Containers: []string{"backup"}},
	}
	p := mustPlan(t, s, cluster.Options{})
	pod := podSpecOf(p)
	require.Len(t, pod.Containers, 2)
	assert.Equal(t, []corev1.VolumeMount{{Name: "data", MountPath: "/data"}, {Name: "wal", MountPath: "/wal"}}, pod.Containers[0].VolumeMounts)
	assert.Equal(t, []corev1.VolumeMount{{Name: "wal", MountPath: "/wal"}}, pod.Containers[1].VolumeMounts)
	assert.Empty(t, pod.Containers[0].VolumeDevices)
	assert.Equal(t, []corev1.VolumeDevice{{Name: "raw", DevicePath: "/dev/xvdb"}}, pod.Containers[1].VolumeDevices)
	assert.Equal(t, corev1.PersistentVolumeBlock, *p.StatefulSet.Spec.VolumeClaimTemplates[2].Spec.VolumeMode)
	assert.Empty(t, pod.Containers[1].Ports, "cluster ports go on the first container only")
}

func TestContainerPorts(t *testing.T) {
	s := dbSpec()
	s.Containers[0].Ports = []corev1.ContainerPort{
		{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP},
		{Name: "metrics", ContainerPort: 9090},
	}
	p := mustPlan(t, s, cluster.Options{})
	var names []string
	for _, port := range podSpecOf(p).Containers[0].Ports {
		names = append(names, port.Name)
	}
	assert.Equal(t, []string{"grpc", "http", "metrics"}, names, "cluster ports first, user-declared ones not repeated")
}

func TestProjectedConfig(t *testing.T) {
	s := dbSpec()
	s.Config = &cluster.Config{
		Data:        map[string]string{"cockroach.conf": "cache=.25", "log.yaml": "sinks: {}"},
		DefaultMode: new(int32(0o440)),
		Sources: []corev1.VolumeProjection{
			{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
				{Path: "pod/labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
				{Path: "pod/cpu-limit", ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "db", Resource: "limits.cpu"}},
			}}},
			{ConfigMap: &corev1.ConfigMapProjection{
				LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedConfigMap},
				Items:                []corev1.KeyToPath{{Key: "log.yaml", Path: "logs/config.yaml"}},
			}},
			{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "db-ca"}}},
		},
	}
	p := mustPlan(t, s, cluster.Options{SecretKeys: []string{"ca.key", "password"}})
	pod := podSpecOf(p)

	var vol *corev1.Volume
	for i := range pod.Volumes {
		if pod.Volumes[i].Name == "config" {
			vol = &pod.Volumes[i]
		}
	}
	require.NotNil(t, vol, "the projected config volume")
	require.NotNil(t, vol.Projected)
	assert.Equal(t, int32(0o440), *vol.Projected.DefaultMode)

	cmName := p.ConfigMap.Name
	mode := int32(0o400)
	want := []corev1.VolumeProjection{
		{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: cmName}}},
		{Secret: &corev1.SecretProjection{
			LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedSecret},
			Items:                []corev1.KeyToPath{{Key: "ca.key", Path: "ca.key", Mode: &mode}, {Key: "password", Path: "password", Mode: &mode}},
		}},
		s.Config.Sources[0],
		{ConfigMap: &corev1.ConfigMapProjection{
			LocalObjectReference: corev1.LocalObjectReference{Name: cmName},
			Items:                []corev1.KeyToPath{{Key: "log.yaml", Path: "logs/config.yaml"}},
		}},
		s.Config.Sources[2],
	}
	assert.Equal(t, want, vol.Projected.Sources)
	assert.Equal(t, cluster.GeneratedConfigMap, s.Config.Sources[1].ConfigMap.Name, "the caller's sources are not renamed")

	assert.Contains(t, pod.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "config", MountPath: "/etc/ordinal", ReadOnly: true})
	require.NotNil(t, p.Secret)
	assert.Equal(t, cluster.GeneratedSecret, p.Secret.Name, "named at deploy time")
	assert.Empty(t, p.Secret.Data, "secret values never reach the plan")
	assert.Empty(t, p.Secret.StringData)
	assert.Equal(t, corev1.SecretTypeOpaque, p.Secret.Type)
}

func TestSecretMode(t *testing.T) {
	s := dbSpec()
	s.Config = &cluster.Config{SecretMode: new(int32(0o440))}
	p := mustPlan(t, s, cluster.Options{SecretKeys: []string{"tls.key"}})
	src := podSpecOf(p).Volumes[0].Projected.Sources[0].Secret
	require.NotNil(t, src)
	assert.Equal(t, int32(0o440), *src.Items[0].Mode)
	assert.Nil(t, p.ConfigMap, "no data, no ConfigMap")
	assert.Empty(t, p.ConfigChecksum)
	assert.NotContains(t, p.StatefulSet.Spec.Template.Annotations, cluster.ConfigChecksumAnnotation)
}

func TestContentAddressedConfigMap(t *testing.T) {
	build := func(data map[string]string) *cluster.Plan {
		s := dbSpec()
		s.Config = &cluster.Config{Data: data}
		s.Containers[0].Env = []corev1.EnvVar{cluster.ConfigEnv("CACHE", "cache")}
		s.Containers[0].EnvFrom = []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedConfigMap}}}}
		return mustPlan(t, s, cluster.Options{})
	}
	a := build(map[string]string{"cache": ".25", "max-sql-memory": ".25"})
	b := build(map[string]string{"max-sql-memory": ".25", "cache": ".25"})
	c := build(map[string]string{"cache": ".35", "max-sql-memory": ".25"})

	require.NotNil(t, a.ConfigMap)
	assert.Equal(t, "v1", a.ConfigMap.APIVersion)
	assert.Equal(t, "ConfigMap", a.ConfigMap.Kind)
	assert.Regexp(t, `^db-config-[0-9a-f]{10}$`, a.ConfigMap.Name)
	assert.Equal(t, naming.ContentHash("cache", ".25", "max-sql-memory", ".25"), a.ConfigChecksum)
	assert.Equal(t, "db-config-"+a.ConfigChecksum[:10], a.ConfigMap.Name)
	assert.Equal(t, map[string]string{"cache": ".25", "max-sql-memory": ".25"}, a.ConfigMap.Data)
	assert.Equal(t, a.ConfigChecksum, a.StatefulSet.Spec.Template.Annotations[cluster.ConfigChecksumAnnotation])

	assert.Equal(t, a.ConfigMap.Name, b.ConfigMap.Name, "map order never matters")
	assert.NotEqual(t, a.ConfigMap.Name, c.ConfigMap.Name, "new data, new name: the pods roll")
	assert.NotEqual(t, a.StatefulSet.Spec.Template.Annotations[cluster.ConfigChecksumAnnotation], c.StatefulSet.Spec.Template.Annotations[cluster.ConfigChecksumAnnotation])

	for _, p := range []*cluster.Plan{a, c} {
		db := podSpecOf(p).Containers[0]
		assert.Equal(t, p.ConfigMap.Name, db.Env[0].ValueFrom.ConfigMapKeyRef.Name, "env refers to the content-addressed name")
		assert.Equal(t, p.ConfigMap.Name, db.EnvFrom[0].ConfigMapRef.Name)
		assert.Equal(t, p.ConfigMap.Name, podSpecOf(p).Volumes[0].Projected.Sources[0].ConfigMap.Name)
	}
}

func TestBuildDoesNotModifySpec(t *testing.T) {
	// Regression: the init Job's env shared ValueFrom pointers with the
	// caller's spec, so building renamed the caller's placeholder and a
	// second plan from the same spec kept the first plan's ConfigMap name.
	s := dbSpec()
	s.Config = &cluster.Config{Data: map[string]string{"k": "1"}}
	s.Containers[0].Env = []corev1.EnvVar{cluster.ConfigEnv("K", "k")}
	s.Init = &cluster.InitJob{Command: []string{"init"}, Env: []corev1.EnvVar{cluster.ConfigEnv("K", "k")}}
	first := mustPlan(t, s, cluster.Options{})
	assert.Equal(t, cluster.GeneratedConfigMap, s.Init.Env[0].ValueFrom.ConfigMapKeyRef.Name)
	assert.Equal(t, cluster.GeneratedConfigMap, s.Containers[0].Env[0].ValueFrom.ConfigMapKeyRef.Name)

	s.Config = &cluster.Config{Data: map[string]string{"k": "2"}}
	second := mustPlan(t, s, cluster.Options{})
	require.NotEqual(t, first.ConfigMap.Name, second.ConfigMap.Name)
	assert.Equal(t, second.ConfigMap.Name, second.InitJob.Spec.Template.Spec.Containers[0].Env[0].ValueFrom.ConfigMapKeyRef.Name)
	assert.Equal(t, first.ConfigMap.Name, first.InitJob.Spec.Template.Spec.Containers[0].Env[0].ValueFrom.ConfigMapKeyRef.Name)
}

func TestRestrictedSecurityDefaults(t *testing.T) {
	s := dbSpec()
	s.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox:1"}}
	s.Init = &cluster.InitJob{Command: []string{"init"}}
	p := mustPlan(t, s, cluster.Options{})
	pod := podSpecOf(p)

	wantPod := &corev1.PodSecurityContext{
		RunAsNonRoot:        new(true),
		RunAsUser:           new(int64(1000)),
		RunAsGroup:          new(int64(1000)),
		FSGroup:             new(int64(1000)),
		FSGroupChangePolicy: new(corev1.FSGroupChangeOnRootMismatch),
		SeccompProfile:      &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	wantContainer := &corev1.SecurityContext{
		AllowPrivilegeEscalation: new(false),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		RunAsNonRoot:             new(true),
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	assert.Equal(t, wantPod, pod.SecurityContext)
	assert.Equal(t, wantContainer, pod.Containers[0].SecurityContext)
	assert.Equal(t, wantContainer, pod.InitContainers[0].SecurityContext)
	job := p.InitJob.Spec.Template.Spec
	assert.Equal(t, wantPod, job.SecurityContext)
	assert.Equal(t, wantContainer, job.Containers[0].SecurityContext)
	assert.Nil(t, s.Containers[0].SecurityContext, "the caller's container is not modified")
}

func TestSecurityOverrides(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(s *cluster.Spec)
		check func(t *testing.T, pod corev1.PodSpec)
	}{
		{"uid, gid and fsGroup", func(s *cluster.Spec) {
			s.Security.RunAsUser, s.Security.RunAsGroup, s.Security.FSGroup = new(int64(26)), new(int64(27)), new(int64(28))
		}, func(t *testing.T, pod corev1.PodSpec) {
			assert.Equal(t, int64(26), *pod.SecurityContext.RunAsUser)
			assert.Equal(t, int64(27), *pod.SecurityContext.RunAsGroup)
			assert.Equal(t, int64(28), *pod.SecurityContext.FSGroup)
		}},
		{"read-only root filesystem", func(s *cluster.Spec) { s.Security.ReadOnlyRootFilesystem = true }, func(t *testing.T, pod corev1.PodSpec) {
			assert.Equal(t, new(true), pod.Containers[0].SecurityContext.ReadOnlyRootFilesystem)
		}},
		{"pod security context wins field by field", func(s *cluster.Spec) {
			s.Security.PodSecurityContext = &corev1.PodSecurityContext{RunAsUser: new(int64(999)), FSGroupChangePolicy: new(corev1.FSGroupChangeAlways)}
		}, func(t *testing.T, pod corev1.PodSpec) {
			assert.Equal(t, int64(999), *pod.SecurityContext.RunAsUser)
			assert.Equal(t, corev1.FSGroupChangeAlways, *pod.SecurityContext.FSGroupChangePolicy)
			assert.Equal(t, int64(1000), *pod.SecurityContext.FSGroup, "other defaults kept")
			assert.True(t, *pod.SecurityContext.RunAsNonRoot)
		}},
		{"container security context wins", func(s *cluster.Spec) {
			s.Containers[0].SecurityContext = &corev1.SecurityContext{
				Capabilities:           &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}, Add: []corev1.Capability{"NET_BIND_SERVICE"}},
				ReadOnlyRootFilesystem: new(false),
			}
			s.Security.ReadOnlyRootFilesystem = true
		}, func(t *testing.T, pod corev1.PodSpec) {
			sc := pod.Containers[0].SecurityContext
			assert.Equal(t, []corev1.Capability{"NET_BIND_SERVICE"}, sc.Capabilities.Add)
			assert.False(t, *sc.ReadOnlyRootFilesystem)
			assert.False(t, *sc.AllowPrivilegeEscalation, "other defaults kept")
		}},
		{"profile none sets nothing", func(s *cluster.Spec) { s.Security.Profile = cluster.SecurityNone }, func(t *testing.T, pod corev1.PodSpec) {
			assert.Nil(t, pod.SecurityContext)
			assert.Nil(t, pod.Containers[0].SecurityContext)
		}},
		{"profile none keeps the user's context", func(s *cluster.Spec) {
			s.Security = cluster.Security{Profile: cluster.SecurityNone, PodSecurityContext: &corev1.PodSecurityContext{RunAsUser: new(int64(0))}}
		}, func(t *testing.T, pod corev1.PodSpec) {
			assert.Equal(t, &corev1.PodSecurityContext{RunAsUser: new(int64(0))}, pod.SecurityContext)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			tt.edit(&s)
			tt.check(t, podSpecOf(mustPlan(t, s, cluster.Options{})))
		})
	}
}

func TestPodSettings(t *testing.T) {
	p := mustPlan(t, dbSpec(), cluster.Options{})
	assert.Equal(t, new(false), podSpecOf(p).AutomountServiceAccountToken, "databases do not talk to the API")

	s := dbSpec()
	s.AutomountServiceAccountToken = true
	s.ServiceAccountName = "db-sa"
	s.ImagePullSecrets = []string{"registry"}
	s.PriorityClassName = "critical"
	s.TerminationGracePeriodSeconds = new(int64(60))
	s.Scheduling.NodeSelector = map[string]string{"disk": "ssd"}
	s.Scheduling.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "db", Effect: corev1.TaintEffectNoSchedule}}
	s.Init = &cluster.InitJob{Command: []string{"init"}}
	p = mustPlan(t, s, cluster.Options{})
	for name, pod := range map[string]corev1.PodSpec{"statefulset": podSpecOf(p), "init job": p.InitJob.Spec.Template.Spec} {
		assert.Equal(t, new(true), pod.AutomountServiceAccountToken, name)
		assert.Equal(t, "db-sa", pod.ServiceAccountName, name)
		assert.Equal(t, []corev1.LocalObjectReference{{Name: "registry"}}, pod.ImagePullSecrets, name)
	}
	sts := podSpecOf(p)
	assert.Equal(t, "critical", sts.PriorityClassName)
	assert.Equal(t, map[string]string{"disk": "ssd"}, sts.NodeSelector)
	assert.Equal(t, s.Scheduling.Tolerations, sts.Tolerations)
	assert.Equal(t, int64(60), *sts.TerminationGracePeriodSeconds)
	// The init Job is placed by its own fields only (TestInitJobRunsAgainOnlyForItsOwnChanges).
	job := p.InitJob.Spec.Template.Spec
	assert.Empty(t, job.PriorityClassName)
	assert.Empty(t, job.NodeSelector)
	assert.Empty(t, job.Tolerations)
}

func TestAntiAffinity(t *testing.T) {
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{labels.Instance: "db", labels.Component: "database"}}
	userNode := &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
		MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "disk", Operator: corev1.NodeSelectorOpExists}},
	}}}}
	tests := []struct {
		name       string
		scheduling cluster.Scheduling
		want       *corev1.Affinity
	}{
		{"soft by default", cluster.Scheduling{}, &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
			PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 100, PodAffinityTerm: corev1.PodAffinityTerm{LabelSelector: selector, TopologyKey: "kubernetes.io/hostname"}}},
		}}},
		{"hard", cluster.Scheduling{AntiAffinity: cluster.AntiAffinityHard}, &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{LabelSelector: selector, TopologyKey: "kubernetes.io/hostname"}},
		}}},
		{"hard per zone", cluster.Scheduling{AntiAffinity: cluster.AntiAffinityHard, AntiAffinityTopologyKey: "topology.kubernetes.io/zone"}, &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{LabelSelector: selector, TopologyKey: "topology.kubernetes.io/zone"}},
		}}},
		{"none", cluster.Scheduling{AntiAffinity: cluster.AntiAffinityNone}, nil},
		{"none keeps the user's affinity", cluster.Scheduling{AntiAffinity: cluster.AntiAffinityNone, Affinity: &corev1.Affinity{NodeAffinity: userNode}}, &corev1.Affinity{NodeAffinity: userNode}},
		{"preset merged into the user's affinity", cluster.Scheduling{AntiAffinity: cluster.AntiAffinityHard, Affinity: &corev1.Affinity{NodeAffinity: userNode}}, &corev1.Affinity{
			NodeAffinity: userNode,
			PodAntiAffinity: &corev1.PodAntiAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{LabelSelector: selector, TopologyKey: "kubernetes.io/hostname"}},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			s.Scheduling = tt.scheduling
			p := mustPlan(t, s, cluster.Options{})
			assert.Equal(t, tt.want, podSpecOf(p).Affinity)
			if tt.scheduling.Affinity != nil {
				assert.Nil(t, tt.scheduling.Affinity.PodAntiAffinity, "the caller's affinity is not modified")
			}
		})
	}
}

func TestZoneSpread(t *testing.T) {
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{labels.Instance: "db", labels.Component: "database"}}
	user := corev1.TopologySpreadConstraint{MaxSkew: 2, TopologyKey: "rack", WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: selector}
	tests := []struct {
		name       string
		scheduling cluster.Scheduling
		want       []corev1.TopologySpreadConstraint
	}{
		{"none by default", cluster.Scheduling{}, nil},
		{"soft", cluster.Scheduling{ZoneSpread: cluster.SpreadSoft}, []corev1.TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: selector},
		}},
		{"hard", cluster.Scheduling{ZoneSpread: cluster.SpreadHard}, []corev1.TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: selector},
		}},
		{"custom key, then user constraints", cluster.Scheduling{ZoneSpread: cluster.SpreadSoft, ZoneTopologyKey: "example.com/zone", TopologySpreadConstraints: []corev1.TopologySpreadConstraint{user}}, []corev1.TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "example.com/zone", WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: selector},
			user,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			s.Scheduling = tt.scheduling
			assert.Equal(t, tt.want, podSpecOf(mustPlan(t, s, cluster.Options{})).TopologySpreadConstraints)
		})
	}
}

func TestLabelsAndAnnotations(t *testing.T) {
	s := dbSpec()
	s.AppName, s.Version, s.PartOf = "cockroachdb", "v24.1.0", "shop"
	s.Labels = map[string]string{"team": "data"}
	s.Annotations = map[string]string{"example.com/owner": "dba"}
	s.PodLabels = map[string]string{"sidecar.istio.io/inject": "false"}
	s.PodAnnotations = map[string]string{"prometheus.io/scrape": "true"}
	s.Config = &cluster.Config{Data: map[string]string{"k": "v"}}
	s.Init = &cluster.InitJob{Command: []string{"init"}}
	p := mustPlan(t, s, cluster.Options{SecretKeys: []string{"pw"}})

	want := map[string]string{
		labels.Name: "cockroachdb", labels.Instance: "db", labels.Component: "database",
		labels.PartOf: "shop", labels.Version: "v24.1.0", labels.ManagedBy: "ordinal", "team": "data",
	}
	for name, meta := range map[string]metav1.ObjectMeta{
		"statefulset": p.StatefulSet.ObjectMeta, "pdb": p.PDB.ObjectMeta, "configmap": p.ConfigMap.ObjectMeta,
		"secret": p.Secret.ObjectMeta, "service": p.Network.Service.ObjectMeta,
	} {
		assert.Equal(t, want, meta.Labels, name)
		ann := maps.Clone(meta.Annotations)
		delete(ann, cluster.ClaimsAnnotation) // the StatefulSet's record of its claims (claimchanges.go)
		assert.Equal(t, map[string]string{"example.com/owner": "dba"}, ann, name)
	}
	tmpl := p.StatefulSet.Spec.Template
	assert.Equal(t, "false", tmpl.Labels["sidecar.istio.io/inject"])
	assert.Equal(t, "v24.1.0", tmpl.Labels[labels.Version])
	assert.Equal(t, map[string]string{"example.com/owner": "dba", "prometheus.io/scrape": "true", cluster.ConfigChecksumAnnotation: p.ConfigChecksum}, tmpl.Annotations)

	job := p.InitJob
	assert.Equal(t, "init", job.Labels[labels.Component])
	assert.Equal(t, "init", job.Spec.Template.Labels[labels.Component], "the Job's pods are not selected by the StatefulSet or PDB")
	assert.Empty(t, job.Spec.Template.Annotations, "the cluster's pod annotations are not the init pod's")
}

func TestInitJob(t *testing.T) {
	s := dbSpec()
	s.Init = &cluster.InitJob{
		Command:   []string{"/cockroach/cockroach", "init"},
		Args:      []string{"--host=db-0.db"},
		Env:       []corev1.EnvVar{{Name: "COCKROACH_INSECURE", Value: "true"}},
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}},
	}
	p := mustPlan(t, s, cluster.Options{})
	job := p.InitJob
	require.NotNil(t, job)
	assert.Equal(t, "batch/v1", job.APIVersion)
	assert.Equal(t, "Job", job.Kind)
	assert.Equal(t, "db-init", job.Name)
	assert.Nil(t, job.Spec.TTLSecondsAfterFinished, "a vanished Job would be re-created (re-run) on every update")
	assert.Equal(t, int32(20), *job.Spec.BackoffLimit, "retries until the first pod answers")
	assert.Equal(t, int64(900), *job.Spec.ActiveDeadlineSeconds)
	assert.Equal(t, int32(1), *job.Spec.Completions)
	assert.Equal(t, int32(1), *job.Spec.Parallelism)
	pod := job.Spec.Template.Spec
	assert.Equal(t, corev1.RestartPolicyOnFailure, pod.RestartPolicy)
	assert.Equal(t, new(false), pod.AutomountServiceAccountToken)
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	assert.Equal(t, cluster.InitContainerName, c.Name)
	assert.Equal(t, "cockroachdb/cockroach:v24.1.0", c.Image, "defaults to the first container's image")
	assert.Equal(t, s.Init.Command, c.Command)
	assert.Equal(t, s.Init.Args, c.Args)
	assert.Equal(t, s.Init.Env, c.Env)
	assert.Equal(t, s.Init.Resources, c.Resources)
	assert.Empty(t, pod.Volumes, "no config mount unless asked")

	s.Init.BackoffLimit = new(int32(3))
	s.Init.ActiveDeadlineSeconds = new(int64(60))
	s.Init.Image = "cockroachdb/cockroach:v24.1.1"
	p = mustPlan(t, s, cluster.Options{})
	assert.Equal(t, int32(3), *p.InitJob.Spec.BackoffLimit)
	assert.Equal(t, int64(60), *p.InitJob.Spec.ActiveDeadlineSeconds)
	assert.Equal(t, "cockroachdb/cockroach:v24.1.1", p.InitJob.Spec.Template.Spec.Containers[0].Image)

	assert.Nil(t, mustPlan(t, dbSpec(), cluster.Options{}).InitJob, "no Init, no Job")
}

func TestInitJobMountsConfig(t *testing.T) {
	s := dbSpec()
	s.Config = &cluster.Config{Data: map[string]string{"init.sql": "CREATE DATABASE app;"}, InitJob: true, MountPath: "/etc/db"}
	s.Volumes = []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	s.Init = &cluster.InitJob{Command: []string{"init"}}
	p := mustPlan(t, s, cluster.Options{})
	pod := p.InitJob.Spec.Template.Spec
	require.Len(t, pod.Volumes, 1, "only the config volume")
	assert.Equal(t, "config", pod.Volumes[0].Name)
	assert.Equal(t, p.ConfigMap.Name, pod.Volumes[0].Projected.Sources[0].ConfigMap.Name)
	assert.Equal(t, []corev1.VolumeMount{{Name: "config", MountPath: "/etc/db", ReadOnly: true}}, pod.Containers[0].VolumeMounts)
}

func TestResolve(t *testing.T) {
	s := dbSpec()
	s.Containers[0].Image = ""
	s.Containers[0].Env = []corev1.EnvVar{cluster.SecretEnv("PASSWORD", "password")}
	s.Containers[0].EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedSecret}}}}
	s.InitContainers = []corev1.Container{{Name: "setup", Env: []corev1.EnvVar{cluster.SecretEnv("PASSWORD", "password")}}}
	s.Claims = append(s.Claims, cluster.Claim{Name: "logs", Size: "1Gi", MountPath: "/logs", StorageClassName: "standard"})
	s.Config = &cluster.Config{}
	s.Init = &cluster.InitJob{Command: []string{"init"}, Env: []corev1.EnvVar{cluster.SecretEnv("PASSWORD", "password")}}
	opts := cluster.Options{DeployTimeImages: []string{"db", "setup"}, DeployTimeStorageClass: true, SecretKeys: []string{"password"}}
	p := mustPlan(t, s, opts)

	sts, job := p.Resolve(cluster.Deployed{
		Images:           map[string]string{"db": "registry/db@sha256:abc", "setup": "registry/setup:1"},
		StorageClassName: "pool-class",
		SecretName:       "db-secret-x1y2",
	})
	require.NotNil(t, job)
	pod := sts.Spec.Template.Spec
	assert.Equal(t, "registry/db@sha256:abc", pod.Containers[0].Image)
	assert.Equal(t, "registry/setup:1", pod.InitContainers[0].Image)
	assert.Equal(t, "registry/db@sha256:abc", job.Spec.Template.Spec.Containers[0].Image, "the init Job falls back to the first container's image")
	assert.Equal(t, new("pool-class"), sts.Spec.VolumeClaimTemplates[0].Spec.StorageClassName)
	assert.Equal(t, new("standard"), sts.Spec.VolumeClaimTemplates[1].Spec.StorageClassName, "a claim's own class is kept")
	assert.Equal(t, "db-secret-x1y2", pod.Volumes[0].Projected.Sources[0].Secret.Name)
	assert.Equal(t, "db-secret-x1y2", pod.Containers[0].Env[0].ValueFrom.SecretKeyRef.Name)
	assert.Equal(t, "db-secret-x1y2", pod.Containers[0].EnvFrom[0].SecretRef.Name)
	assert.Equal(t, "db-secret-x1y2", pod.InitContainers[0].Env[0].ValueFrom.SecretKeyRef.Name)
	assert.Equal(t, "db-secret-x1y2", job.Spec.Template.Spec.Containers[0].Env[0].ValueFrom.SecretKeyRef.Name)

	// The plan's templates keep their placeholders.
	tmpl := p.StatefulSet.Spec.Template.Spec
	assert.Empty(t, tmpl.Containers[0].Image)
	assert.Nil(t, p.StatefulSet.Spec.VolumeClaimTemplates[0].Spec.StorageClassName)
	assert.Equal(t, cluster.GeneratedSecret, tmpl.Containers[0].Env[0].ValueFrom.SecretKeyRef.Name)
	assert.Equal(t, cluster.GeneratedSecret, tmpl.Volumes[0].Projected.Sources[0].Secret.Name)
	assert.Equal(t, cluster.GeneratedSecret, p.InitJob.Spec.Template.Spec.Containers[0].Env[0].ValueFrom.SecretKeyRef.Name)
	assert.Empty(t, p.InitJob.Spec.Template.Spec.Containers[0].Image)
}

func TestResolveInitImage(t *testing.T) {
	tests := []struct {
		name       string
		dbImage    string
		initImage  string
		deployTime []string
		images     map[string]string
		want       string
	}{
		{"static first container", "db:1", "", nil, nil, "db:1"},
		{"own image", "db:1", "tools:1", nil, map[string]string{"db": "db:2"}, "tools:1"},
		{"deploy-time init image", "db:1", "", []string{cluster.InitContainerName}, map[string]string{cluster.InitContainerName: "tools:2"}, "tools:2"},
		{"deploy-time first container", "", "", []string{"db"}, map[string]string{"db": "db:2"}, "db:2"},
		{"first container replaced at deploy time", "db:1", "", []string{"db"}, map[string]string{"db": "db:2"}, "db:2"},
		{"first container replaced at deploy time, unknown yet", "db:1", "", []string{"db"}, nil, "db:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			s.Containers[0].Image = tt.dbImage
			s.Init = &cluster.InitJob{Command: []string{"init"}, Image: tt.initImage}
			p := mustPlan(t, s, cluster.Options{DeployTimeImages: tt.deployTime})
			sts, job := p.Resolve(cluster.Deployed{Images: tt.images})
			require.NotNil(t, job)
			assert.Equal(t, tt.want, job.Spec.Template.Spec.Containers[0].Image)
			if img := tt.images["db"]; img != "" {
				assert.Equal(t, img, sts.Spec.Template.Spec.Containers[0].Image)
			}
		})
	}
}

func TestResolveZeroValues(t *testing.T) {
	s := dbSpec()
	s.Containers[0].Image = ""
	s.Config = &cluster.Config{Data: map[string]string{"k": "v"}}
	s.Init = &cluster.InitJob{Command: []string{"init"}}
	p := mustPlan(t, s, cluster.Options{DeployTimeImages: []string{"db"}, DeployTimeStorageClass: true, SecretKeys: []string{"pw"}})
	require.NotPanics(t, func() {
		sts, job := p.Resolve(cluster.Deployed{})
		require.NotNil(t, sts)
		require.NotNil(t, job)
		assert.Equal(t, p.StatefulSet, sts, "nothing to fill in: an equal copy")
		assert.Equal(t, p.InitJob, job)
		assert.NotSame(t, p.StatefulSet, sts)
	})

	noInit := mustPlan(t, dbSpec(), cluster.Options{})
	sts, job := noInit.Resolve(cluster.Deployed{})
	assert.Nil(t, job)
	assert.Equal(t, noInit.StatefulSet, sts)
}

func TestNetworkPlan(t *testing.T) {
	s := dbSpec()
	s.Network = cluster.Network{ServiceName: "db-peers", ClusterDomain: "corp.local", Client: &network.ClientService{}}
	s.OrdinalStart = 2
	p := mustPlan(t, s, cluster.Options{})
	n := p.Network
	require.NotNil(t, n.Service)
	assert.Equal(t, "db-peers", n.Service.Name)
	assert.Equal(t, "db-peers", p.StatefulSet.Spec.ServiceName)
	assert.Equal(t, p.StatefulSet.Spec.Selector.MatchLabels, n.Service.Spec.Selector)
	require.NotNil(t, n.ClientService)
	assert.Equal(t, "db-peers-public", n.ClientService.Name)
	assert.Equal(t, []string{"db-2.db-peers.ns.svc.corp.local", "db-3.db-peers.ns.svc.corp.local", "db-4.db-peers.ns.svc.corp.local"}, n.PodFQDNs("ns"))
	assert.Equal(t, `DatabaseCluster "db": 3 replicas, 1 claims`, p.String())
}

func TestEnvHelpers(t *testing.T) {
	assert.Equal(t, corev1.EnvVar{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}, cluster.FieldEnv("POD", "metadata.name"))
	assert.Equal(t, cluster.GeneratedConfigMap, cluster.ConfigEnv("A", "a").ValueFrom.ConfigMapKeyRef.Name)
	assert.Equal(t, "a", cluster.ConfigEnv("A", "a").ValueFrom.ConfigMapKeyRef.Key)
	assert.Equal(t, cluster.GeneratedSecret, cluster.SecretEnv("B", "b").ValueFrom.SecretKeyRef.Name)
	assert.Equal(t, "b", cluster.SecretEnv("B", "b").ValueFrom.SecretKeyRef.Key)
}

// TestReads checks which deploy-time values the StatefulSet and the init
// Job are resolved with: the components wait only for those.
func TestReads(t *testing.T) {
	secretEnv := []corev1.EnvVar{cluster.SecretEnv("P", "password")}
	tests := []struct {
		name     string
		edit     func(*cluster.Spec, *cluster.Options)
		sts, job cluster.Reads
	}{
		{"nothing deploy-time", func(s *cluster.Spec, o *cluster.Options) {
			s.Init = &cluster.InitJob{Command: []string{"init"}}
		}, cluster.Reads{}, cluster.Reads{}},
		{"first image: the Job falls back to it", func(s *cluster.Spec, o *cluster.Options) {
			s.Containers[0].Image = ""
			s.Init = &cluster.InitJob{Command: []string{"init"}}
			o.DeployTimeImages = []string{"db"}
		}, cluster.Reads{Images: []string{"db"}}, cluster.Reads{Images: []string{"db"}}},
		{"the Job has an image of its own", func(s *cluster.Spec, o *cluster.Options) {
			s.Init = &cluster.InitJob{Command: []string{"init"}, Image: "tools:1"}
			o.DeployTimeImages = []string{"db"}
		}, cluster.Reads{Images: []string{"db"}}, cluster.Reads{}},
		{"init image", func(s *cluster.Spec, o *cluster.Options) {
			s.Init = &cluster.InitJob{Command: []string{"init"}}
			o.DeployTimeImages = []string{cluster.InitContainerName}
		}, cluster.Reads{}, cluster.Reads{Images: []string{cluster.InitContainerName}}},
		{"secret in the pods only", func(s *cluster.Spec, o *cluster.Options) {
			s.Containers[0].Env = secretEnv
			s.Init = &cluster.InitJob{Command: []string{"init"}}
			o.SecretKeys = []string{"password"}
		}, cluster.Reads{Secret: true}, cluster.Reads{}},
		{"secret in the Job too", func(s *cluster.Spec, o *cluster.Options) {
			s.Init = &cluster.InitJob{Command: []string{"init"}, Env: secretEnv}
			o.SecretKeys = []string{"password"}
		}, cluster.Reads{Secret: false}, cluster.Reads{Secret: true}},
		{"deploy-time class, claim without one", func(s *cluster.Spec, o *cluster.Options) {
			o.DeployTimeStorageClass = true
		}, cluster.Reads{StorageClass: true}, cluster.Reads{}},
		{"deploy-time class, every claim names one", func(s *cluster.Spec, o *cluster.Options) {
			s.Claims[0].StorageClassName = "standard"
			o.DeployTimeStorageClass = true
		}, cluster.Reads{}, cluster.Reads{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, o := dbSpec(), cluster.Options{}
			tt.edit(&s, &o)
			p := mustPlan(t, s, o)
			assert.Equal(t, tt.sts, p.StatefulSetReads(), "StatefulSet")
			assert.Equal(t, tt.job, p.InitJobReads(), "init Job")
		})
	}
}
