package bench

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	corev1 "k8s.io/api/core/v1"
	k8sresource "k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// The benchmark cluster: a CockroachDB-style database of three replicas on
// a local volume pool over three nodes, with an init Job, a
// PodDisruptionBudget and a projected config directory that merges
// ConfigMap data, secret data and downward-API fields.
const (
	benchNamespace = "bench"
	benchImage     = "cockroachdb/cockroach:v24.1.0"
	benchPassword  = "s3cret"
)

// nodeNames returns node-0 .. node-(n-1).
func nodeNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("node-%d", i)
	}
	return out
}

// poolSpec is a LocalVolumePool of one 10Gi disk per node.
func poolSpec(nodes int) localpv.Spec { return poolSpecAt(nodes, diskPath("local-ssd")) }

// poolSpecAt is poolSpec with the disks at path.
func poolSpecAt(nodes int, path string) localpv.Spec {
	return localpv.Spec{Nodes: nodeNames(nodes), Path: path, Capacity: "10Gi"}
}

// diskPath is where pool's disks are: each pool of a program on disks of its
// own ("local-ssd" and "local-ssd0" on ssd0, "local-ssd<i>" on ssd<i>), as
// two pools may not share a disk.
func diskPath(pool string) string {
	if i := strings.TrimPrefix(pool, "local-ssd"); i != "" {
		return "/mnt/disks/ssd" + i
	}
	return "/mnt/disks/ssd0"
}

// clusterSpec is the benchmark cluster's spec.
func clusterSpec() cluster.Spec {
	return cluster.Spec{
		AppName:             "cockroachdb",
		Version:             "v24.1.0",
		Replicas:            3,
		PodManagementPolicy: "Parallel",
		Ports: []network.Port{
			{Name: "grpc", Port: 26257, Peer: true, Client: true},
			{Name: "http", Port: 8080, Client: true},
		},
		Network: cluster.Network{Client: &network.ClientService{}},
		Containers: []corev1.Container{{
			Name:    "db",
			Command: []string{"/cockroach/cockroach", "start", "--insecure", "--join=db-0.db,db-1.db,db-2.db", "--store=/cockroach/cockroach-data"},
			Env: []corev1.EnvVar{
				cluster.FieldEnv("POD_NAME", "metadata.name"),
				cluster.ConfigEnv("COCKROACH_CACHE", "cache"),
				cluster.SecretEnv("COCKROACH_PASSWORD", "password"),
			},
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: k8sresource.MustParse("500m"), corev1.ResourceMemory: k8sresource.MustParse("1Gi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: k8sresource.MustParse("1"), corev1.ResourceMemory: k8sresource.MustParse("1Gi")},
			},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health?ready=1", Port: intstr.FromString("http")}},
				InitialDelaySeconds: 10,
				PeriodSeconds:       5,
			},
		}},
		Claims: []cluster.Claim{{Name: "data", Size: "10Gi", MountPath: "/cockroach/cockroach-data"}},
		Config: &cluster.Config{
			Data: map[string]string{"cache": "25%", "cluster.conf": "max-sql-memory=25%\nlocality=region=local\n"},
			Sources: []corev1.VolumeProjection{{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
				{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
				{Path: "annotations", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.annotations"}},
				{Path: "cpu_limit", ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "db", Resource: "limits.cpu"}},
			}}}},
		},
		Init: &cluster.InitJob{Command: []string{"/cockroach/cockroach", "init", "--insecure", "--host=db-0.db"}},
	}
}

// componentProgram registers n clusters (each on its own pool of three
// volumes) with ordinal's components. n = 1 is the benchmark cluster "db".
func componentProgram(n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		for i := range n {
			name, pool := "db", "local-ssd"
			if n > 1 {
				name, pool = fmt.Sprintf("db%d", i), fmt.Sprintf("local-ssd%d", i)
			}
			if err := registerComponentCluster(ctx, name, pool); err != nil {
				return err
			}
		}
		return nil
	}
}

func registerComponentCluster(ctx *pulumi.Context, name, poolName string) error {
	pool, err := components.NewLocalVolumePool(ctx, poolName, &components.LocalVolumePoolArgs{Spec: poolSpecAt(3, diskPath(poolName))})
	if err != nil {
		return err
	}
	spec := clusterSpec()
	if name != "db" {
		spec.Containers[0].Command[3] = fmt.Sprintf("--join=%[1]s-0.%[1]s,%[1]s-1.%[1]s,%[1]s-2.%[1]s", name)
		spec.Init.Command[3] = fmt.Sprintf("--host=%s-0.%s", name, name)
	}
	_, err = components.NewDatabaseCluster(ctx, name, &components.DatabaseClusterArgs{
		Namespace:  pulumi.String(benchNamespace),
		Spec:       spec,
		Image:      pulumi.String(benchImage),
		Pool:       pool,
		SecretData: map[string]pulumi.StringInput{"password": pulumi.String(benchPassword)},
	})
	return err
}

// poolProgram registers one LocalVolumePool of n volumes.
func poolProgram(n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := components.NewLocalVolumePool(ctx, "local-ssd", &components.LocalVolumePoolArgs{Spec: poolSpec(n)})
		return err
	}
}

// echoMocks is a trivial mock engine: every resource's outputs are its
// inputs. Like the real provider, it fills in a generated name for an
// object registered without one (the autonamed Secret).
type echoMocks struct {
	// record, when set, receives every resource registration.
	record func(pulumi.MockResourceArgs)
}

func (m echoMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if m.record != nil {
		m.record(args)
	}
	outs := args.Inputs
	if args.Custom {
		if meta, ok := outs["metadata"]; ok && meta.IsObject() {
			if _, named := meta.ObjectValue()["name"]; !named {
				outs = outs.Copy()
				m := meta.ObjectValue().Copy()
				m["name"] = resource.NewStringProperty(args.Name + "-a1b2c3d4")
				outs["metadata"] = resource.NewObjectProperty(m)
			}
		}
	}
	return args.Name + "_id", outs, nil
}

func (echoMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return args.Args, nil
}

// run runs program under the echo mocks.
func run(program pulumi.RunFunc, mocks echoMocks) error {
	return pulumi.RunErr(program, pulumi.WithMocks("ordinal", "bench", mocks))
}
