package reliability

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/render"
)

// determinismRuns is how often each spec is built and rendered in-process.
const determinismRuns = 50

// keyOrder decides the order in which map keys are inserted.
type keyOrder int

const (
	ascending keyOrder = iota
	descending
	shuffled
)

// orderedMap builds a map with n keys "<prefix>-<i>", inserting them in
// the given order. Go maps do not remember insertion order, but filling
// them differently changes their internal layout and iteration order.
func orderedMap(prefix string, n int, order keyOrder, seed uint64) map[string]string {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	switch order {
	case descending:
		for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
			idx[i], idx[j] = idx[j], idx[i]
		}
	case shuffled:
		r := rand.New(rand.NewPCG(seed, seed+1))
		r.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	}
	out := make(map[string]string, n)
	for _, i := range idx {
		out[fmt.Sprintf("%s-%03d", prefix, i)] = fmt.Sprintf("value-%d", i)
	}
	return out
}

// kitchenSinkPool is a pool with many volumes and map keys.
func kitchenSinkPool(order keyOrder) (string, localpv.Spec) {
	s := localpv.Spec{
		Nodes:        []string{"node-0", "node-1", "node-2", "node-3", "node-4"},
		Path:         "/mnt/disks/ssd0",
		Capacity:     "100Gi",
		Volumes:      []localpv.Volume{{Node: "node-0", Path: "/mnt/disks/ssd1", Capacity: "200Gi"}, {Node: "node-1", Path: "/mnt/disks/ssd1"}},
		MountOptions: []string{"noatime"},
		Labels:       orderedMap("pool", 60, order, 1),
		Annotations:  orderedMap("example.com/pool", 60, order, 2),
	}
	return "disks", s
}

// kitchenSinkDB is a cluster that uses every option, with many map keys
// (labels, annotations, config data, secret data, node ports, selectors)
// filled in the given order.
func kitchenSinkDB(order keyOrder) (string, *components.DatabaseClusterArgs, cluster.Deployed) {
	_, poolSpec := kitchenSinkPool(order)
	poolPlan, err := localpv.New("disks", poolSpec)
	if err != nil {
		panic(err)
	}
	secret := map[string]pulumi.StringInput{}
	for k, v := range orderedMap("secret", 20, order, 3) {
		secret[k+".txt"] = pulumi.String(v)
	}
	ports := []network.Port{
		{Name: "grpc", Port: 26257, Client: true, Peer: true},
		{Name: "http", Port: 8080, Client: true, AppProtocol: "http"},
		{Name: "gossip", Port: 7946, Peer: true, Protocol: corev1.ProtocolUDP},
	}
	s := cluster.Spec{
		AppName: "cockroachdb", Version: "v24.3.6", PartOf: "shop",
		Replicas: 5, PodManagementPolicy: "Parallel",
		UpdateStrategy:  cluster.UpdateStrategy{Partition: 2, MaxUnavailable: ios(intstr.FromString("20%"))},
		MinReadySeconds: 10,
		Ports:           ports,
		Network: cluster.Network{Client: &network.ClientService{
			Type:      corev1.ServiceTypeNodePort,
			NodePorts: map[string]int32{"grpc": 30257, "http": 30080},
			Labels:    orderedMap("client", 30, order, 4),
		}},
		Containers: []corev1.Container{{
			Name:  "db",
			Ports: []corev1.ContainerPort{{Name: "extra", ContainerPort: 9000}},
			Env: []corev1.EnvVar{
				cluster.ConfigEnv("CACHE", "cache.conf"), cluster.SecretEnv("PASSWORD", "secret-000.txt"), cluster.FieldEnv("POD", "metadata.name"),
			},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health?ready=1", Port: intstr.FromString("http")}}},
			LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("grpc")}}},
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi")},
			},
		}, {Name: "exporter", Image: "prom/exporter:1", Ports: []corev1.ContainerPort{{Name: "metrics", ContainerPort: 9100}}}},
		InitContainers: []corev1.Container{{Name: "prepare", Image: "busybox:1.37", Command: []string{"sh", "-c", "true"}}},
		Claims: []cluster.Claim{
			{Name: "datadir", Size: "50Gi", MountPath: "/cockroach/cockroach-data", Labels: orderedMap("claim", 10, order, 5)},
			{Name: "wal", Size: "10Gi", MountPath: "/wal", StorageClassName: "standard"},
		},
		Volumes: []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		Config: &cluster.Config{
			Data: merge(orderedMap("setting", 40, order, 6), map[string]string{"cache.conf": "25%"}),
			Sources: []corev1.VolumeProjection{
				{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
					{Path: "podinfo/labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
					{Path: "podinfo/cpu", ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "db", Resource: "limits.cpu"}},
				}}},
				{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedConfigMap},
					Items: []corev1.KeyToPath{{Key: "cache.conf", Path: "copies/cache.conf"}}}},
			},
			InitJob: true,
		},
		Disruption: &cluster.Disruption{MaxUnavailable: ios(intstr.FromInt32(1))},
		Scheduling: cluster.Scheduling{
			AntiAffinity: cluster.AntiAffinityHard, ZoneSpread: cluster.SpreadSoft,
			NodeSelector: orderedMap("node", 8, order, 7),
			Tolerations:  []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "db", Effect: corev1.TaintEffectNoSchedule}},
		},
		Security:       cluster.Security{ReadOnlyRootFilesystem: true},
		Labels:         orderedMap("team", 100, order, 8),
		Annotations:    orderedMap("example.com/note", 100, order, 9),
		PodLabels:      orderedMap("pod", 20, order, 10),
		PodAnnotations: orderedMap("example.com/pod", 20, order, 11),
		Init:           &cluster.InitJob{Command: []string{"/cockroach/cockroach", "init", "--insecure", "--host=db-0.db"}},
		NetworkPolicy: &cluster.NetworkPolicy{Enabled: true, RestrictEgress: true, Clients: []networkingv1.NetworkPolicyPeer{
			{PodSelector: &metav1.LabelSelector{MatchLabels: orderedMap("client", 5, order, 12)}},
		}, Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "172.18.0.2/32"}}}}}},
		Access: &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"endpoints"}, Verbs: []string{"get", "list", "watch"}}}},
	}
	s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "scratch", MountPath: "/scratch"}}
	args := &components.DatabaseClusterArgs{
		Spec:       s,
		Image:      pulumi.String("cockroachdb/cockroach:v24.3.6"),
		Pool:       &components.LocalVolumePool{Plan: poolPlan},
		SecretData: secret,
	}
	d := cluster.Deployed{Images: map[string]string{"db": "cockroachdb/cockroach:v24.3.6"}, SecretName: "crdb-secret-0a1b2c3d"}
	return "crdb", args, d
}

// kitchenSinkNet is a network with several ports and many map keys.
func kitchenSinkNet(order keyOrder) (string, network.Spec) {
	return "zk", network.Spec{
		Replicas: 5,
		Ports: []network.Port{
			{Name: "client", Port: 2181, Client: true},
			{Name: "peer", Port: 2888, Peer: true},
			{Name: "election", Port: 3888, Peer: true},
		},
		Selector:    orderedMap("sel", 12, order, 13),
		Client:      &network.ClientService{Type: corev1.ServiceTypeLoadBalancer, Annotations: orderedMap("example.com/lb", 25, order, 14)},
		Labels:      orderedMap("net", 50, order, 15),
		Annotations: orderedMap("example.com/net", 50, order, 16),
	}
}

// renderKitchenSinks plans and renders the three kitchen-sink specs into
// testNamespace.
func renderKitchenSinks(order keyOrder) (map[string][]byte, error) {
	return renderKitchenSinksIn(order, testNamespace)
}

// renderKitchenSinksIn plans and renders the three kitchen-sink specs into
// namespace ns.
func renderKitchenSinksIn(order keyOrder, ns string) (map[string][]byte, error) {
	out := map[string][]byte{}
	name, args, d := kitchenSinkDB(order)
	plan, _, err := components.PlanDatabaseCluster(name, args)
	if err != nil {
		return nil, err
	}
	if out[cluster.Kind], err = render.YAML(render.Cluster(plan, ns, d)...); err != nil {
		return nil, err
	}
	pname, pspec := kitchenSinkPool(order)
	pool, err := localpv.New(pname, pspec)
	if err != nil {
		return nil, err
	}
	if out[localpv.Kind], err = render.YAML(render.Pool(pool)...); err != nil {
		return nil, err
	}
	nname, nspec := kitchenSinkNet(order)
	net, err := network.New(nname, nspec)
	if err != nil {
		return nil, err
	}
	if out[network.Kind], err = render.YAML(render.Network(net, ns)...); err != nil {
		return nil, err
	}
	return out, nil
}

// manifestDigest is the SHA-256 of the kitchen-sink manifests (keys filled
// in shuffled order), of the first 100 seeded specs that plan, and of the
// inputs the components register under mocks.
func manifestDigest() (string, error) {
	h := sha256.New()
	sinks, err := renderKitchenSinks(shuffled)
	if err != nil {
		return "", err
	}
	for _, k := range []string{cluster.Kind, localpv.Kind, network.Kind} {
		fmt.Fprintf(h, "%s\n%s\n", k, sinks[k])
	}
	n := 0
	for _, in := range seededDBInputs(42, 1000) {
		if _, out, err := planDB(in); err == nil && n < 100 {
			h.Write(out)
			n++
		}
	}
	regs, err := registerKitchenSinks()
	if err != nil {
		return "", err
	}
	for _, r := range regs {
		fmt.Fprintf(h, "%s %s %v %s\n", r.Type, r.Name, r.Custom, r.Inputs)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// registerKitchenSinks registers the three kitchen sinks under mocks and
// returns what the engine received, sorted.
func registerKitchenSinks() ([]registration, error) {
	rec, err := runMocked(func(ctx *pulumi.Context) error {
		pname, pspec := kitchenSinkPool(shuffled)
		pool, err := components.NewLocalVolumePool(ctx, pname, &components.LocalVolumePoolArgs{Spec: pspec})
		if err != nil {
			return err
		}
		name, args, _ := kitchenSinkDB(shuffled)
		args.Pool = pool
		if _, err := components.NewDatabaseCluster(ctx, name, args); err != nil {
			return err
		}
		nname, nspec := kitchenSinkNet(shuffled)
		_, err = components.NewHeadlessNetwork(ctx, nname, &components.HeadlessNetworkArgs{Spec: nspec})
		return err
	})
	if err != nil {
		return nil, err
	}
	return rec.sorted(), nil
}

// TestRenderIsDeterministic builds and renders each kitchen-sink spec 50
// times, with its maps filled in three different orders, and requires
// byte-identical manifests every time.
func TestRenderIsDeterministic(t *testing.T) {
	want, err := renderKitchenSinks(ascending)
	require.NoError(t, err)
	for kind, b := range want {
		require.NotEmpty(t, b, kind)
	}
	for i := range determinismRuns {
		for _, order := range []keyOrder{ascending, descending, shuffled} {
			got, err := renderKitchenSinks(order)
			require.NoError(t, err)
			for kind := range want {
				require.Equal(t, string(want[kind]), string(got[kind]), "%s differs on run %d (key order %d)", kind, i, order)
			}
		}
	}
	// The maps really are large enough to iterate in varying order.
	assert.Contains(t, string(want[cluster.Kind]), "team-099: value-99")
	assert.Contains(t, string(want[cluster.Kind]), "setting-039: value-39")
}

// TestSeededRendersAreDeterministic renders 200 seeded cluster specs twice
// each, planning from fresh arguments every time.
func TestSeededRendersAreDeterministic(t *testing.T) {
	accepted := 0
	for _, in := range seededDBInputs(42, 200) {
		_, first, err := planDB(in)
		if err != nil {
			continue
		}
		accepted++
		for range 3 {
			_, again, err := planDB(in)
			require.NoError(t, err)
			require.Equal(t, string(first), string(again), "seeded spec %q renders differently", in.Name)
		}
	}
	assert.Positive(t, accepted)
}

// TestRegisteredInputsAreDeterministic registers the kitchen sinks under
// mocks several times: the engine must receive the same inputs each time.
func TestRegisteredInputsAreDeterministic(t *testing.T) {
	want, err := registerKitchenSinks()
	require.NoError(t, err)
	require.NotEmpty(t, want)
	for i := range 5 {
		got, err := registerKitchenSinks()
		require.NoError(t, err)
		require.Equal(t, want, got, "registration %d differs", i)
	}
}

// TestManifestsAreIdenticalAcrossProcesses computes the manifest digest
// here and in two fresh processes (this test binary, re-executed): map
// iteration is randomized per process, so a map-order dependence shows up
// as differing digests.
func TestManifestsAreIdenticalAcrossProcesses(t *testing.T) {
	want, err := manifestDigest()
	require.NoError(t, err)
	require.Len(t, want, 64)
	for i := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=digest")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, "helper process %d: %s", i, stderr.String())
		assert.Equal(t, want, strings.TrimSpace(string(out)), "process %d rendered different manifests", i)
	}
}
