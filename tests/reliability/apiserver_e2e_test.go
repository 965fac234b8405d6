//go:build e2e

package reliability

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/render"

	"github.com/ordinal-dev/ordinal/tests/internal/localcluster"
)

// The API-server check: every manifest the planners produce for
// representative specs, for every engine profile, and for a few hundred
// seeded generator specs that plan, must pass
//
//	kubectl apply --dry-run=server --validate=strict -f -
//
// in a test namespace. A rejection is a library bug (the planner produced
// an object the API server refuses, or validation let a bad input through).
//
// The suite starts its own local control plane (scripts/cluster.sh in a
// temporary ORDINAL_CLUSTER_DIR) unless ORDINAL_E2E_KUBECONFIG names a
// cluster to use.

// Sizes of the seeded part of the check.
const (
	seededClusters = 300
	seededPools    = 60
	seededNetworks = 60
	// dryRunBatch specs go to the API server in one kubectl call; a batch
	// that fails is retried spec by spec to name the culprit.
	dryRunBatch = 20
)

// apiEnv is what suiteSetup prepares.
var apiEnv struct {
	kubectl, kubeconfig, namespace string
}

func init() { suiteSetup = setupAPIServer }

// setupAPIServer finds kubectl, starts a local cluster unless
// ORDINAL_E2E_KUBECONFIG is set, and creates the test namespace.
func setupAPIServer() (func(), error) {
	root, err := localcluster.RepoRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(root, ".tools", "bin")
	apiEnv.kubectl = filepath.Join(bin, "kubectl")
	if _, err := os.Stat(apiEnv.kubectl); err != nil {
		return nil, fmt.Errorf("kubectl not found in %s: build the tools with scripts/install-tools.sh", bin)
	}
	var teardown []func()
	cleanup := func() {
		for i := len(teardown) - 1; i >= 0; i-- {
			teardown[i]()
		}
	}
	if ext := os.Getenv("ORDINAL_E2E_KUBECONFIG"); ext != "" {
		apiEnv.kubeconfig = ext
		fmt.Fprintf(os.Stderr, "reliability: using the cluster of ORDINAL_E2E_KUBECONFIG=%s\n", ext)
	} else {
		tmp, err := os.MkdirTemp("", "ordinal-reliability-")
		if err != nil {
			return nil, err
		}
		teardown = append(teardown, func() { _ = os.RemoveAll(tmp) })
		stop, err := localcluster.Start(root, filepath.Join(tmp, "cluster"), tmp, "reliability")
		if err != nil {
			cleanup()
			return nil, err
		}
		teardown = append(teardown, stop)
		apiEnv.kubeconfig = filepath.Join(tmp, "cluster", "kubeconfig")
	}
	apiEnv.namespace = fmt.Sprintf("ordinal-reliability-%d", os.Getpid())
	if out, err := kubectl(nil, "create", "namespace", apiEnv.namespace); err != nil {
		cleanup()
		return nil, fmt.Errorf("creating namespace %s: %w\n%s", apiEnv.namespace, err, out)
	}
	teardown = append(teardown, func() {
		_, _ = kubectl(nil, "delete", "namespace", apiEnv.namespace, "--wait=false")
	})
	return cleanup, nil
}

// kubectl runs kubectl against the test cluster with stdin.
func kubectl(stdin []byte, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, apiEnv.kubectl, append([]string{"--kubeconfig", apiEnv.kubeconfig}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// dryRun applies manifests with a strict server-side dry run, client-side
// apply (the brief's command) and, with serverSide, server-side apply too
// (what Pulumi uses).
func dryRun(manifests []byte, serverSide bool) (string, error) {
	out, err := kubectl(manifests, "apply", "--dry-run=server", "--validate=strict", "-n", apiEnv.namespace, "-f", "-")
	if err != nil || !serverSide {
		return out, err
	}
	ssa, err := kubectl(manifests, "apply", "--server-side", "--field-manager=ordinal-reliability", "--dry-run=server", "--validate=strict", "-n", apiEnv.namespace, "-f", "-")
	return out + ssa, err
}

// rejections keeps the lines of kubectl's output that are not an accepted
// object, so a failure shows the API server's reasons and nothing else.
func rejections(out string) string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		if line != "" && !strings.HasSuffix(line, "(server dry run)") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

// manifestCase is one spec's rendered manifests.
type manifestCase struct {
	desc string
	yaml []byte
	objs int
}

// renderDB plans component arguments and renders them into the test namespace.
func renderDB(t *testing.T, desc, name string, args *components.DatabaseClusterArgs, d cluster.Deployed) manifestCase {
	t.Helper()
	plan, _, err := components.PlanDatabaseCluster(name, args)
	require.NoError(t, err, desc)
	objs := render.Cluster(plan, apiEnv.namespace, d)
	out, err := render.YAML(objs...)
	require.NoError(t, err, desc)
	return manifestCase{desc: desc, yaml: out, objs: len(objs)}
}

// representativeCases are hand-written specs covering every component and
// option, and every engine profile.
func representativeCases(t *testing.T) []manifestCase {
	t.Helper()
	var out []manifestCase
	for _, order := range []keyOrder{ascending, shuffled} {
		sinks, err := renderKitchenSinksIn(order, apiEnv.namespace)
		require.NoError(t, err)
		for _, kind := range []string{cluster.Kind, localpv.Kind, network.Kind} {
			out = append(out, manifestCase{desc: fmt.Sprintf("kitchen sink %s (order %d)", kind, order), yaml: sinks[kind], objs: strings.Count(string(sinks[kind]), "\nkind: ")})
		}
	}
	out = append(out, renderDB(t, "base DatabaseCluster", "db", baseDB(), cluster.Deployed{}))

	variants := []struct {
		desc   string
		mutate func(a *components.DatabaseClusterArgs, d *cluster.Deployed)
	}{
		{"OnDelete, Block claim, no PDB", func(a *components.DatabaseClusterArgs, _ *cluster.Deployed) {
			a.Spec.UpdateStrategy.Type = "OnDelete"
			a.Spec.Claims[0] = cluster.Claim{Name: "raw", Size: "1Gi", VolumeMode: corev1.PersistentVolumeBlock, DevicePath: "/dev/xvdb", AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod}}
			a.Spec.Disruption = &cluster.Disruption{Disabled: true}
		}},
		{"ordinal start, partition, claim deletion, security none", func(a *components.DatabaseClusterArgs, _ *cluster.Deployed) {
			a.Spec.OrdinalStart = 3
			a.Spec.UpdateStrategy.Partition = 3
			a.Spec.ClaimRetention = cluster.ClaimRetention{WhenDeleted: "Delete", WhenScaled: "Delete"}
			a.Deletion = components.DeletionBackground
			a.Spec.Security.Profile = cluster.SecurityNone
			a.Spec.Scheduling.AntiAffinity = cluster.AntiAffinityNone
			a.Spec.Scheduling.ZoneSpread = cluster.SpreadHard
		}},
		{"deploy-time image, storage class and secret without config", func(a *components.DatabaseClusterArgs, d *cluster.Deployed) {
			a.Spec.Containers[0].Image = ""
			a.Image = pulumi.String("postgres:17")
			a.StorageClassName = pulumi.String("standard")
			a.SecretData = map[string]pulumi.StringInput{"password": pulumi.String("x")}
			a.Spec.Containers[0].Env = []corev1.EnvVar{cluster.SecretEnv("PGPASSWORD", "password")}
			*d = cluster.Deployed{Images: map[string]string{"db": "postgres:17"}, StorageClassName: "standard", SecretName: "db-secret-1a2b3c4d"}
		}},
		{"client LoadBalancer, config only from sources", func(a *components.DatabaseClusterArgs, _ *cluster.Deployed) {
			a.Spec.Network.Client = &network.ClientService{Type: corev1.ServiceTypeLoadBalancer, LoadBalancerSourceRanges: []string{"10.0.0.0/8"}, ExternalTrafficPolicy: corev1.ServiceExternalTrafficPolicyLocal}
			a.Spec.Config = &cluster.Config{Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", Audience: "db"}},
				{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "tls"}, Items: []corev1.KeyToPath{{Key: "tls.crt", Path: "certs/tls.crt", Mode: i32(0o400)}}}},
			}}
		}},
	}
	for _, v := range variants {
		a, d := baseDB(), cluster.Deployed{}
		v.mutate(a, &d)
		out = append(out, renderDB(t, v.desc, "db", a, d))
	}

	// Engine profiles.
	out = append(out,
		renderDB(t, "engine Cockroach", "crdb", &components.DatabaseClusterArgs{Spec: engines.Cockroach("crdb", engines.CockroachOptions{})}, cluster.Deployed{}),
		renderDB(t, "engine Cockroach with TLS", "crdb", &components.DatabaseClusterArgs{Spec: engines.Cockroach("crdb", engines.CockroachOptions{
			Replicas: 5, TLS: &engines.CockroachTLS{NodeSecret: "crdb-node-certs", ClientSecret: "crdb-client-certs"},
		})}, cluster.Deployed{}),
		renderDB(t, "engine ZooKeeper", "zk", &components.DatabaseClusterArgs{Spec: engines.ZooKeeper("zk", engines.ZooKeeperOptions{})}, cluster.Deployed{}),
		renderDB(t, "engine MySQL", "mysql", &components.DatabaseClusterArgs{
			Spec:       engines.MySQL("mysql", engines.MySQLOptions{BlockEviction: true}),
			SecretData: map[string]pulumi.StringInput{engines.MySQLRootPasswordKey: pulumi.String("x")},
		}, cluster.Deployed{SecretName: "mysql-secret-1a2b3c4d"}),
		// With a database: the init Job, which projects the password file too.
		renderDB(t, "engine MySQL with database", "mysql", &components.DatabaseClusterArgs{
			Spec:       engines.MySQL("mysql", engines.MySQLOptions{Database: "app", ExtraArgs: []string{"--innodb-buffer-pool-size=1G"}}),
			SecretData: map[string]pulumi.StringInput{engines.MySQLRootPasswordKey: pulumi.String("x")},
		}, cluster.Deployed{SecretName: "mysql-secret-1a2b3c4d"}),
		renderDB(t, "engine Etcd", "etcd", &components.DatabaseClusterArgs{Spec: engines.Etcd("etcd", engines.EtcdOptions{})}, cluster.Deployed{}),
	)
	return out
}

// TestAPIServerAcceptsRepresentativeManifests dry-runs every
// representative spec with client-side and server-side apply.
func TestAPIServerAcceptsRepresentativeManifests(t *testing.T) {
	cases := representativeCases(t)
	t.Logf("%d representative specs", len(cases))
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			out, err := dryRun(c.yaml, true)
			require.NoError(t, err, "the API server rejected the manifests of %s:\n%s\n--- manifests ---\n%s", c.desc, rejections(out), c.yaml)
			assert.Equal(t, 2*c.objs, strings.Count(out, "(server dry run)"), "one line per object and mode:\n%s", out)
		})
	}
}

// seededCases renders the first n seeded specs of each component that pass
// validation.
func seededCases(t *testing.T) []manifestCase {
	t.Helper()
	var out []manifestCase
	n := 0
	for _, in := range seededDBInputs(2026, 20*seededClusters) {
		if n == seededClusters {
			break
		}
		objs, y, err := planDBIn(in, apiEnv.namespace)
		if err != nil {
			continue
		}
		n++
		out = append(out, manifestCase{desc: fmt.Sprintf("seeded DatabaseCluster %d %+v", n, in), yaml: y, objs: len(objs)})
	}
	require.Equal(t, seededClusters, n, "too few seeded DatabaseCluster specs plan")
	n = 0
	for _, in := range seededPoolInputs(2026, 50*seededPools) {
		if n == seededPools {
			break
		}
		objs, y, err := planPool(in)
		if err != nil {
			continue
		}
		n++
		out = append(out, manifestCase{desc: fmt.Sprintf("seeded LocalVolumePool %d %+v", n, in), yaml: y, objs: len(objs)})
	}
	require.Equal(t, seededPools, n, "too few seeded LocalVolumePool specs plan")
	n = 0
	for _, in := range seededNetInputs(2026, 20*seededNetworks) {
		if n == seededNetworks {
			break
		}
		objs, y, err := planNetIn(in, apiEnv.namespace)
		if err != nil {
			continue
		}
		n++
		out = append(out, manifestCase{desc: fmt.Sprintf("seeded HeadlessNetwork %d %+v", n, in), yaml: y, objs: len(objs)})
	}
	require.Equal(t, seededNetworks, n, "too few seeded HeadlessNetwork specs plan")
	return out
}

// TestAPIServerAcceptsSeededManifests dry-runs a few hundred generated
// specs that pass validation, in batches.
func TestAPIServerAcceptsSeededManifests(t *testing.T) {
	cases := seededCases(t)
	objects := 0
	for start := 0; start < len(cases); start += dryRunBatch {
		batch := cases[start:min(start+dryRunBatch, len(cases))]
		var stream []byte
		want := 0
		for _, c := range batch {
			stream = append(append(stream, c.yaml...), "---\n"...)
			want += c.objs
		}
		out, err := dryRun(stream, false)
		if err == nil {
			assert.Equal(t, want, strings.Count(out, "(server dry run)"), "batch at %d: one line per object:\n%s", start, out)
			objects += want
			continue
		}
		// Name the specs the API server rejects.
		for _, c := range batch {
			out, err := dryRun(c.yaml, false)
			assert.NoError(t, err, "the API server rejected the manifests of %s (reproduce with the input above and planDB, planPool or planNet):\n%s", c.desc, rejections(out))
		}
	}
	t.Logf("%d seeded specs (%d objects) passed the strict server-side dry run", len(cases), objects)
}

// refusedCase is an input validation refuses, with what the API server
// says about the objects planned from it without validation.
type refusedCase struct {
	desc string
	// planned validates and plans; it must fail.
	planned func() error
	// unchecked plans the same input without validation.
	unchecked func() []render.Object
	// apiSays is a fragment of the API server's rejection.
	apiSays string
}

// refusedDB is a DatabaseCluster case: mutate changes baseDB.
func refusedDB(desc, name, apiSays string, mutate func(a *components.DatabaseClusterArgs)) refusedCase {
	args := func() *components.DatabaseClusterArgs {
		a := baseDB()
		mutate(a)
		return a
	}
	return refusedCase{desc: desc, apiSays: apiSays,
		planned: func() error {
			_, _, err := components.PlanDatabaseCluster(name, args())
			return err
		},
		unchecked: func() []render.Object {
			plan := cluster.Unchecked(name, args().Spec, cluster.Options{})
			return render.Cluster(plan, apiEnv.namespace, cluster.Deployed{})
		},
	}
}

// refusedPool is a LocalVolumePool case.
func refusedPool(desc, name, apiSays string, spec localpv.Spec) refusedCase {
	return refusedCase{desc: desc, apiSays: apiSays,
		planned: func() error {
			_, err := localpv.New(name, spec)
			return err
		},
		unchecked: func() []render.Object { return render.Pool(localpv.Unchecked(name, spec)) },
	}
}

// refusedCases are inputs the validation refuses because the API server
// rejects what they would plan. (One deliberate exception is left out:
// Service names must start with a letter, as every API server before the
// RelaxedServiceNameValidation feature requires, although this one accepts
// "0db".)
func refusedCases() []refusedCase {
	probe := func(h corev1.ProbeHandler) *corev1.Probe { return &corev1.Probe{ProbeHandler: h} }
	disks := localpv.Spec{Nodes: []string{"node-0"}, Path: "/mnt/disks/ssd0", Capacity: "10Gi"}
	return []refusedCase{
		refusedDB("toleration key", "db", "tolerations[0].key", func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.Tolerations = []corev1.Toleration{{Key: "a=b", Operator: corev1.TolerationOpExists}}
		}),
		refusedDB("toleration effect", "db", "tolerations[0].effect", func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.Tolerations = []corev1.Toleration{{Key: "a", Operator: corev1.TolerationOpExists, Effect: "Sometimes"}}
		}),
		refusedDB("env var name", "db", "env[0].name", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "A=B"}}
		}),
		refusedDB("container port name", "db", `"Admin UI": must contain only alpha-numeric characters`, func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "Admin UI", ContainerPort: 9000}}
		}),
		refusedDB("app protocol", "db", "appProtocol", func(a *components.DatabaseClusterArgs) { a.Spec.Ports[1].AppProtocol = "web ui" }),
		refusedDB("two probe handlers", "db", "may not specify more than 1 handler type", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].ReadinessProbe = probe(corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}, TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("sql")}})
		}),
		refusedDB("liveness success threshold", "db", "successThreshold", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].LivenessProbe = probe(corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}})
			a.Spec.Containers[0].LivenessProbe.SuccessThreshold = 2
		}),
		refusedDB("probe scheme", "db", "scheme", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].ReadinessProbe = probe(corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromString("http"), Scheme: "FTP"}})
		}),
		refusedDB("maxUnavailable 0%", "db", "cannot be 0", func(a *components.DatabaseClusterArgs) {
			a.Spec.UpdateStrategy.MaxUnavailable = ios(intstr.FromString("0%"))
		}),
		refusedDB("duplicate node port", "db", "already allocated", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Type: "NodePort", NodePorts: map[string]int32{"sql": 30001, "http": 30001}}
		}),
		refusedDB("client port listed twice", "db", "Duplicate value", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Ports: []string{"sql", "sql"}}
		}),
		refusedDB("source range", "db", "LoadBalancerSourceRanges", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Type: "LoadBalancer", LoadBalancerSourceRanges: []string{"internal"}}
		}),
		refusedDB("except outside the CIDR", "db", "strict subset", func(a *components.DatabaseClusterArgs) {
			a.Spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true, Clients: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"192.168.0.0/16"}}}}}
		}),
		refusedDB("device path of a mount", "db", "must not already exist as a path in volumeMounts", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims = append(a.Spec.Claims, cluster.Claim{Name: "raw", Size: "1Gi", VolumeMode: corev1.PersistentVolumeBlock, DevicePath: "/var/lib/data"})
		}),
		refusedDB("ReadWriteOncePod with another mode", "db", "ReadWriteOncePod", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims[0].AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod, corev1.ReadWriteOnce}
		}),
		refusedDB("downward label key", "db", "downwardAPI", func(a *components.DatabaseClusterArgs) {
			projected(a, nil, downward("zone", "metadata.labels['topology zone']"))
		}),
		refusedDB("short-lived token", "db", "expirationSeconds", func(a *components.DatabaseClusterArgs) {
			projected(a, nil, corev1.VolumeProjection{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: i64(60)}})
		}),
		refusedPool("pool name that is no label value", "Local SSD", "metadata.labels", localpv.Spec{StorageClassName: "local-ssd", Nodes: disks.Nodes, Path: disks.Path, Capacity: disks.Capacity}),
		refusedPool("PV name beyond 253 characters", "disks", "metadata.name", localpv.Spec{StorageClassName: strings.Repeat("local-ssd.", 24) + "pool", Nodes: disks.Nodes, Path: disks.Path, Capacity: disks.Capacity}),
		refusedPool("pool ReadWriteOncePod with another mode", "disks", "ReadWriteOncePod", localpv.Spec{Nodes: disks.Nodes, Path: disks.Path, Capacity: disks.Capacity,
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadWriteOncePod}}),
	}
}

// TestAPIServerRejectsWhatValidationRefuses is the negative control: for
// inputs the validation refuses, the objects planned without validation
// are rejected by the API server too. It shows that the dry run catches
// rejections, and that these checks are not stricter than Kubernetes.
func TestAPIServerRejectsWhatValidationRefuses(t *testing.T) {
	for _, c := range refusedCases() {
		t.Run(c.desc, func(t *testing.T) {
			require.Error(t, c.planned(), "validation accepts the input")
			y, err := render.YAML(c.unchecked()...)
			require.NoError(t, err)
			out, err := dryRun(y, false)
			require.Error(t, err, "the API server accepted what validation refuses:\n%s", out)
			assert.Contains(t, out, c.apiSays)
		})
	}
}
