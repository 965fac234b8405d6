package render_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/render"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.yaml from the current output")

// networkSpec is a HeadlessNetwork with a client Service.
func networkSpec() network.Spec {
	return network.Spec{
		Replicas: 3,
		Ports: []network.Port{
			{Name: "grpc", Port: 26257, Client: true, Peer: true},
			{Name: "http", Port: 8080, Client: true, AppProtocol: "http"},
		},
		Client: &network.ClientService{Type: corev1.ServiceTypeLoadBalancer, LoadBalancerSourceRanges: []string{"10.0.0.0/8"}},
		Labels: map[string]string{"team": "data"},
	}
}

// poolSpec is a LocalVolumePool over node-0..2.
func poolSpec() localpv.Spec {
	return localpv.Spec{
		Nodes:        []string{"node-0", "node-1", "node-2"},
		Path:         "/mnt/disks/ssd0",
		Capacity:     "100Gi",
		MountOptions: []string{"noatime"},
	}
}

// clusterSpec is a full DatabaseCluster: 3 replicas on the pool, an init
// Job, the quorum PDB, and a projected config directory with ConfigMap
// data, secret keys and downward-API items.
func clusterSpec() cluster.Spec {
	return cluster.Spec{
		AppName: "cockroachdb", Version: "v24.1.0", PartOf: "shop",
		Replicas:            3,
		PodManagementPolicy: appsv1.ParallelPodManagement,
		Ports: []network.Port{
			{Name: "grpc", Port: 26257, Client: true, Peer: true},
			{Name: "http", Port: 8080, Client: true},
		},
		Network: cluster.Network{Client: &network.ClientService{}},
		Containers: []corev1.Container{{
			Name:    "db",
			Image:   "cockroachdb/cockroach:v24.1.0",
			Command: []string{"/cockroach/cockroach", "start", "--insecure", "--join=crdb-0.crdb,crdb-1.crdb,crdb-2.crdb"},
			Env: []corev1.EnvVar{
				cluster.FieldEnv("POD_NAME", "metadata.name"),
				cluster.ConfigEnv("COCKROACH_CACHE", "cache"),
				cluster.SecretEnv("COCKROACH_PASSWORD", "password"),
			},
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("4Gi")},
				Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("4Gi")},
			},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				HTTPGet: &corev1.HTTPGetAction{Path: "/health?ready=1", Port: intstr.FromString("http")},
			}},
		}},
		Claims: []cluster.Claim{{Name: "datadir", Size: "100Gi", MountPath: "/cockroach/cockroach-data"}},
		Config: &cluster.Config{
			Data: map[string]string{
				"cache":          ".25",
				"cockroach.conf": "max-sql-memory: .25\n",
			},
			Sources: []corev1.VolumeProjection{{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
				{Path: "pod/labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
				{Path: "pod/cpu-request", ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "db", Resource: "requests.cpu"}},
			}}}},
		},
		Scheduling:                    cluster.Scheduling{AntiAffinity: cluster.AntiAffinityHard, ZoneSpread: cluster.SpreadSoft},
		TerminationGracePeriodSeconds: new(int64(60)),
		Init: &cluster.InitJob{
			Command: []string{"/cockroach/cockroach", "init", "--insecure", "--host=crdb-0.crdb"},
		},
	}
}

func networkYAML(t testing.TB) []byte {
	p, err := network.New("crdb", networkSpec())
	require.NoError(t, err)
	b, err := render.YAML(render.Network(p, "prod")...)
	require.NoError(t, err)
	return b
}

func poolYAML(t testing.TB) []byte {
	p, err := localpv.New("local-ssd", poolSpec())
	require.NoError(t, err)
	b, err := render.YAML(render.Pool(p)...)
	require.NoError(t, err)
	return b
}

func clusterYAML(t testing.TB) []byte {
	pool, err := localpv.New("local-ssd", poolSpec())
	require.NoError(t, err)
	p, err := cluster.New("crdb", clusterSpec(), cluster.Options{Pool: pool, SecretKeys: []string{"password"}})
	require.NoError(t, err)
	b, err := render.YAML(render.Cluster(p, "prod", cluster.Deployed{SecretName: "crdb-secret-7f3a9c"})...)
	require.NoError(t, err)
	return b
}

// advancedYAML is clusterSpec on an Advanced StatefulSet of 4 pods with
// ordinal 1 reserved and in-place image updates.
func advancedYAML(t testing.TB) []byte {
	spec := clusterSpec()
	spec.Replicas = 4
	spec.Workload = cluster.Workload{Kind: cluster.WorkloadAdvancedStatefulSet, ReserveOrdinals: []int32{1}, PodUpdatePolicy: cluster.PodUpdateInPlaceIfPossible}
	spec.Claims[0].StorageClassName = "fast"
	p, err := cluster.New("crdb", spec, cluster.Options{SecretKeys: []string{"password"}})
	require.NoError(t, err)
	b, err := render.YAML(render.Cluster(p, "prod", cluster.Deployed{SecretName: "crdb-secret-7f3a9c"})...)
	require.NoError(t, err)
	return b
}

var goldens = []struct {
	file   string
	render func(t testing.TB) []byte
}{
	{"headless-network.golden.yaml", networkYAML},
	{"local-volume-pool.golden.yaml", poolYAML},
	{"database-cluster.golden.yaml", clusterYAML},
	{"advanced-statefulset.golden.yaml", advancedYAML},
}

// TestGolden compares the rendered manifests byte for byte with
// testdata/*.golden.yaml. After an intended change, regenerate them with
// `go test ./pkg/render -update` and review the diff.
func TestGolden(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.file, func(t *testing.T) {
			got := g.render(t)
			path := filepath.Join("testdata", g.file)
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run `go test ./pkg/render -update` to create it")
			assert.Equal(t, string(want), string(got), "%s is stale: run `go test ./pkg/render -update` and review the diff", path)
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.file, func(t *testing.T) {
			first := g.render(t)
			for i := range 20 {
				require.True(t, bytes.Equal(first, g.render(t)), "build %d rendered different bytes", i+2)
			}
		})
	}
}

// documents splits a multi-document stream and decodes each document.
func documents(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, doc := range strings.Split(string(b), "\n---\n") {
		var m map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(doc), &m))
		out = append(out, m)
	}
	return out
}

func TestClusterManifestOrder(t *testing.T) {
	var got []string
	for _, d := range documents(t, clusterYAML(t)) {
		meta := d["metadata"].(map[string]any)
		assert.Equal(t, "prod", meta["namespace"], "%s %s", d["kind"], meta["name"])
		assert.NotContains(t, d, "status", "%s %s", d["kind"], meta["name"])
		got = append(got, d["kind"].(string)+"/"+meta["name"].(string))
	}
	// Config before the pods that mount it, Services before the StatefulSet
	// they govern, the init Job last.
	assert.Equal(t, []string{
		"ConfigMap/crdb-config-1c4f318a9b",
		"Secret/crdb-secret-7f3a9c",
		"Service/crdb",
		"Service/crdb-public",
		"StatefulSet/crdb",
		"PodDisruptionBudget/crdb",
		"Job/crdb-init",
	}, got)
}

// TestMembershipJobBeforeTheStatefulSet: a cluster with a membership Job
// renders it, resolved, before the StatefulSet that `up` orders after it.
func TestMembershipJobBeforeTheStatefulSet(t *testing.T) {
	spec := clusterSpec()
	spec.Membership = &cluster.MembershipJob{InitJob: cluster.InitJob{Command: []string{"leave"}}}
	p, err := cluster.New("crdb", spec, cluster.Options{SecretKeys: []string{"password"}})
	require.NoError(t, err)
	b, err := render.YAML(render.Cluster(p, "prod", cluster.Deployed{SecretName: "crdb-secret-7f3a9c", Images: map[string]string{"init": "leave:1"}})...)
	require.NoError(t, err)
	var kinds []string
	for _, d := range documents(t, b) {
		kinds = append(kinds, d["kind"].(string)+"/"+d["metadata"].(map[string]any)["name"].(string))
		if d["kind"] == "Job" && strings.Contains(kinds[len(kinds)-1], "members") {
			assert.Contains(t, string(b), "image: leave:1", "resolved with the deploy-time image")
		}
	}
	members := slices.Index(kinds, "Job/crdb-members-3")
	require.NotEqual(t, -1, members, "%v", kinds)
	assert.Less(t, members, slices.Index(kinds, "StatefulSet/crdb"), "%v", kinds)
}

func TestPoolIsClusterScoped(t *testing.T) {
	docs := documents(t, poolYAML(t))
	require.Len(t, docs, 4)
	for _, d := range docs {
		assert.NotContains(t, d["metadata"], "namespace")
		assert.NotContains(t, d, "status")
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	pool, err := localpv.New("local-ssd", poolSpec())
	require.NoError(t, err)
	p, err := cluster.New("crdb", clusterSpec(), cluster.Options{Pool: pool, SecretKeys: []string{"password"}})
	require.NoError(t, err)
	objs := render.Cluster(p, "prod", cluster.Deployed{})
	b, err := render.YAML(objs...)
	require.NoError(t, err)

	docs := strings.Split(string(b), "\n---\n")
	require.Len(t, docs, len(objs))
	var sts appsv1.StatefulSet
	require.NoError(t, yaml.UnmarshalStrict([]byte(docs[4]), &sts))
	want := objs[4].(*appsv1.StatefulSet)
	for i := range want.Spec.VolumeClaimTemplates {
		assert.Empty(t, sts.Spec.VolumeClaimTemplates[i].Status)
	}
	assert.True(t, equality.Semantic.DeepEqual(*want, sts), "the manifest decodes to the planned StatefulSet")
	assert.Equal(t, want.Spec.Template.Spec.Containers[0].Image, sts.Spec.Template.Spec.Containers[0].Image)
}

func TestClusterSecretName(t *testing.T) {
	p, err := cluster.New("crdb", clusterSpec(), cluster.Options{SecretKeys: []string{"password"}})
	require.NoError(t, err)
	secretAndVolume := func(d cluster.Deployed) (string, string) {
		objs := render.Cluster(p, "prod", d)
		secret := objs[1].(*corev1.Secret)
		sts := objs[4].(*appsv1.StatefulSet)
		return secret.Name, sts.Spec.Template.Spec.Volumes[0].Projected.Sources[1].Secret.Name
	}
	name, ref := secretAndVolume(cluster.Deployed{SecretName: "crdb-secret-1"})
	assert.Equal(t, "crdb-secret-1", name)
	assert.Equal(t, "crdb-secret-1", ref)

	// Regression: without a deploy-time name the Secret was rendered with
	// no name at all, while the pods referred to the placeholder.
	name, ref = secretAndVolume(cluster.Deployed{})
	assert.Equal(t, cluster.GeneratedSecret, name)
	assert.Equal(t, cluster.GeneratedSecret, ref)
	assert.Equal(t, cluster.GeneratedSecret, p.Secret.Name, "the plan is not modified")
}

func TestRenderDoesNotModifyPlans(t *testing.T) {
	p, err := network.New("crdb", networkSpec())
	require.NoError(t, err)
	objs := render.Network(p, "prod")
	assert.Equal(t, "prod", objs[0].GetNamespace())
	assert.Empty(t, p.Service.Namespace)
	assert.Empty(t, p.ClientService.Namespace)
}

func TestYAMLEmpty(t *testing.T) {
	b, err := render.YAML()
	require.NoError(t, err)
	assert.Empty(t, b)
}

// An unset downward-API divisor is left out instead of written as "0"; a
// set one, and a "divisor" that is only data, stay.
func TestYAMLLeavesOutUnsetDivisors(t *testing.T) {
	pod := func(divisor resource.Quantity) *corev1.Pod {
		return &corev1.Pod{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
			ObjectMeta: metav1.ObjectMeta{Name: "p"},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "db", Env: []corev1.EnvVar{{
				Name: "CPU", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu", Divisor: divisor}},
			}}}}},
		}
	}
	data := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Name: "c"},
		Data: map[string]string{"divisor": "0"}}
	tests := []struct {
		name string
		obj  render.Object
		want string // "" for no divisor at all
	}{
		{"unset", pod(resource.Quantity{}), ""},
		{"set", pod(resource.MustParse("1m")), "divisor: 1m"},
		{"data", data, `divisor: "0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := render.YAML(tt.obj)
			require.NoError(t, err)
			if tt.want == "" {
				assert.NotContains(t, string(b), "divisor")
			} else {
				assert.Contains(t, string(b), tt.want)
			}
		})
	}
}

// TestYAMLCarriesUnreadableCharacters: strings the API accepts but YAML
// cannot read raw (found by FuzzLocalVolumePool: a local path with DEL)
// render, and read back to the same object.
func TestYAMLCarriesUnreadableCharacters(t *testing.T) {
	tests := []struct{ name, value string }{
		{"DEL", "/mnt/disk\x7f"},
		{"C1 control", "a\u0080b\u009fc"},
		{"NEL, which YAML would fold into a space", "a\u0085b"},
		{"line and paragraph separators", "a\u2028b\u2029c"},
		{"noncharacters", "x\ufffey\uffff"},
		{"tab, newline and C0 controls JSON escapes", "a\tb\nc\x01d"},
		{"plain text stays plain", "log-level=debug"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cm := &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
				ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns"}, Data: map[string]string{"k": tc.value}}
			b, err := render.YAML(cm)
			require.NoError(t, err)
			var back corev1.ConfigMap
			require.NoError(t, yaml.UnmarshalStrict(b, &back), "%s", b)
			assert.Equal(t, tc.value, back.Data["k"])
		})
	}
}
