package reliability

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// minBadInputs is the smallest corpus the suite accepts.
const minBadInputs = 60

// badInput is one invalid set of arguments for one component.
type badInput struct {
	// desc names the case.
	desc string
	// kind is the component kind the error must name.
	kind string
	// name is the component's Pulumi name (default "db", "disks" or "net").
	name string
	// call constructs the component.
	call func(ctx *pulumi.Context, name string) error
	// field is the single field path the error must report.
	field string
	// advice is a distinctive fragment of the fix the error must give.
	advice string
}

// baseDB is a small valid cluster: every case changes one thing.
func baseDB() *components.DatabaseClusterArgs {
	return &components.DatabaseClusterArgs{Spec: cluster.Spec{
		Replicas: 3,
		Ports: []network.Port{
			{Name: "sql", Port: 5432, Client: true, Peer: true},
			{Name: "http", Port: 8080, Client: true},
		},
		Containers: []corev1.Container{{Name: "db", Image: "postgres:17"}},
		Claims:     []cluster.Claim{{Name: "data", Size: "10Gi", MountPath: "/var/lib/data"}},
	}}
}

// db is a DatabaseCluster case: mutate changes baseDB.
func db(desc, field, advice string, mutate func(a *components.DatabaseClusterArgs)) badInput {
	return badInput{desc: desc, kind: cluster.Kind, field: field, advice: advice, call: func(ctx *pulumi.Context, name string) error {
		a := baseDB()
		mutate(a)
		_, err := components.NewDatabaseCluster(ctx, name, a)
		return err
	}}
}

// dbNamed is a DatabaseCluster case with an invalid component name.
func dbNamed(desc, name, field, advice string) badInput {
	c := db(desc, field, advice, func(*components.DatabaseClusterArgs) {})
	c.name = name
	return c
}

// basePool is a small valid pool.
func basePool() *components.LocalVolumePoolArgs {
	return &components.LocalVolumePoolArgs{Spec: localpv.Spec{
		Nodes: []string{"node-0", "node-1", "node-2"}, Path: "/mnt/disks/ssd0", Capacity: "100Gi",
	}}
}

// pool is a LocalVolumePool case: mutate changes basePool.
func pool(desc, field, advice string, mutate func(a *components.LocalVolumePoolArgs)) badInput {
	return badInput{desc: desc, kind: localpv.Kind, name: "disks", field: field, advice: advice, call: func(ctx *pulumi.Context, name string) error {
		a := basePool()
		mutate(a)
		_, err := components.NewLocalVolumePool(ctx, name, a)
		return err
	}}
}

// poolNamed is a LocalVolumePool case with another component name.
func poolNamed(desc, name, field, advice string, mutate func(a *components.LocalVolumePoolArgs)) badInput {
	c := pool(desc, field, advice, mutate)
	c.name = name
	return c
}

// baseNet is a small valid network.
func baseNet() *components.HeadlessNetworkArgs {
	return &components.HeadlessNetworkArgs{Spec: network.Spec{
		Replicas: 3,
		Ports:    []network.Port{{Name: "sql", Port: 5432, Client: true, Peer: true}},
	}}
}

// netCase is a HeadlessNetwork case: mutate changes baseNet.
func netCase(desc, field, advice string, mutate func(a *components.HeadlessNetworkArgs)) badInput {
	return badInput{desc: desc, kind: network.Kind, name: "net", field: field, advice: advice, call: func(ctx *pulumi.Context, name string) error {
		a := baseNet()
		mutate(a)
		_, err := components.NewHeadlessNetwork(ctx, name, a)
		return err
	}}
}

// unregisteredPool plans a pool without registering it: DatabaseCluster
// only reads its plan, so pool-related cases register nothing at all.
func unregisteredPool(spec localpv.Spec) *components.LocalVolumePool {
	plan, err := localpv.New("disks", spec)
	if err != nil {
		panic(err)
	}
	return &components.LocalVolumePool{Plan: plan}
}

func i32(v int32) *int32 { return &v }
func i64(v int64) *int64 { return &v }

func ios(v intstr.IntOrString) *intstr.IntOrString { return &v }

// projected adds a config directory holding data plus the given sources.
func projected(a *components.DatabaseClusterArgs, data map[string]string, sources ...corev1.VolumeProjection) {
	a.Spec.Config = &cluster.Config{Data: data, Sources: sources}
}

func downward(path, fieldPath string) corev1.VolumeProjection {
	return corev1.VolumeProjection{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
		{Path: path, FieldRef: &corev1.ObjectFieldSelector{FieldPath: fieldPath}},
	}}}
}

// badInputs is the corpus.
func badInputs() []badInput {
	conf := map[string]string{"app.conf": "x=1"}
	return []badInput{
		// --- DatabaseCluster: names ---
		dbNamed("upper-case name", "DB", "name", "lower-case RFC 1123"),
		dbNamed("empty name", "", "name", `set a lower-case RFC 1123 name such as "db"`),
		dbNamed("name with underscore", "my_db", "name", "lower-case RFC 1123 label"),
		dbNamed("name starting with a digit, which names the Service", "0db", "name", "must start with a letter: it also names the governing Service"),
		dbNamed("name too long for the revision label", strings.Repeat("a", 53), "name", "use a shorter name"),
		// --- workload ---
		db("zero replicas", "spec.replicas", "must be >= 1", func(a *components.DatabaseClusterArgs) { a.Spec.Replicas = 0 }),
		db("negative replicas", "spec.replicas", "must be >= 1", func(a *components.DatabaseClusterArgs) { a.Spec.Replicas = -3 }),
		db("more replicas than a cluster can hold", "spec.replicas", "the Kubernetes limit of pods per cluster", func(a *components.DatabaseClusterArgs) { a.Spec.Replicas = 200000 }),
		db("ordinals beyond int32", "spec.ordinalStart", "lower ordinalStart", func(a *components.DatabaseClusterArgs) { a.Spec.OrdinalStart = 2147483647 }),
		db("negative ordinal start", "spec.ordinalStart", "must be >= 0", func(a *components.DatabaseClusterArgs) { a.Spec.OrdinalStart = -1 }),
		db("unknown pod management policy", "spec.podManagementPolicy", `use one of "OrderedReady", "Parallel"`, func(a *components.DatabaseClusterArgs) { a.Spec.PodManagementPolicy = "Random" }),
		db("unknown update strategy", "spec.updateStrategy.type", `use one of "OnDelete", "RollingUpdate"`, func(a *components.DatabaseClusterArgs) { a.Spec.UpdateStrategy.Type = "Recreate" }),
		db("partition beyond replicas", "spec.updateStrategy.partition", "use 3 to hold every pod", func(a *components.DatabaseClusterArgs) { a.Spec.UpdateStrategy.Partition = 5 }),
		db("negative partition", "spec.updateStrategy.partition", "must be >= 0", func(a *components.DatabaseClusterArgs) { a.Spec.UpdateStrategy.Partition = -1 }),
		db("partition with OnDelete", "spec.updateStrategy.partition", "partition only applies to type RollingUpdate", func(a *components.DatabaseClusterArgs) {
			a.Spec.UpdateStrategy.Type = "OnDelete"
			a.Spec.UpdateStrategy.Partition = 1
		}),
		db("maxUnavailable with OnDelete", "spec.updateStrategy.maxUnavailable", "maxUnavailable only applies to type RollingUpdate", func(a *components.DatabaseClusterArgs) {
			a.Spec.UpdateStrategy.Type = "OnDelete"
			a.Spec.UpdateStrategy.MaxUnavailable = ios(intstr.FromInt32(1))
		}),
		db("maxUnavailable above 100%", "spec.updateStrategy.maxUnavailable", `must be at most "100%"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.UpdateStrategy.MaxUnavailable = ios(intstr.FromString("150%"))
		}),
		db("maxUnavailable zero", "spec.updateStrategy.maxUnavailable", "must be between 1 and replicas (3)", func(a *components.DatabaseClusterArgs) {
			a.Spec.UpdateStrategy.MaxUnavailable = ios(intstr.FromInt32(0))
		}),
		db("maxUnavailable 0%", "spec.updateStrategy.maxUnavailable", `must be at least "1%"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.UpdateStrategy.MaxUnavailable = ios(intstr.FromString("0%"))
		}),
		db("maxUnavailable not a percentage", "spec.updateStrategy.maxUnavailable", `a percentage such as "50%"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.UpdateStrategy.MaxUnavailable = ios(intstr.FromString("half"))
		}),
		db("negative minReadySeconds", "spec.minReadySeconds", "must be >= 0", func(a *components.DatabaseClusterArgs) { a.Spec.MinReadySeconds = -1 }),
		db("negative revision history", "spec.revisionHistoryLimit", "must be >= 0", func(a *components.DatabaseClusterArgs) { a.Spec.RevisionHistoryLimit = i32(-1) }),
		db("unknown claim retention", "spec.claimRetention.whenDeleted", `use one of "Delete", "Retain"`, func(a *components.DatabaseClusterArgs) { a.Spec.ClaimRetention.WhenDeleted = "Keep" }),
		db("negative grace period", "spec.terminationGracePeriodSeconds", "must be >= 0", func(a *components.DatabaseClusterArgs) { a.Spec.TerminationGracePeriodSeconds = i64(-1) }),
		db("invalid service account", "spec.serviceAccountName", "RFC 1123 subdomain", func(a *components.DatabaseClusterArgs) { a.Spec.ServiceAccountName = "Bad_SA" }),
		db("invalid priority class", "spec.priorityClassName", "RFC 1123 subdomain", func(a *components.DatabaseClusterArgs) { a.Spec.PriorityClassName = "HIGH" }),
		db("empty image pull secret", "spec.imagePullSecrets[0]", "set a lower-case RFC 1123 name", func(a *components.DatabaseClusterArgs) { a.Spec.ImagePullSecrets = []string{""} }),
		// --- ports ---
		db("no ports", "spec.ports", "declare at least one named port", func(a *components.DatabaseClusterArgs) { a.Spec.Ports = nil }),
		db("unnamed port", "spec.ports[1].name", "name every port", func(a *components.DatabaseClusterArgs) { a.Spec.Ports[1].Name = "" }),
		db("port name too long", "spec.ports[1].name", "must be an IANA service name", func(a *components.DatabaseClusterArgs) { a.Spec.Ports[1].Name = "administration-ui" }),
		db("port zero", "spec.ports[1].port", "must be between 1 and 65535", func(a *components.DatabaseClusterArgs) { a.Spec.Ports[1].Port = 0 }),
		db("port above 65535", "spec.ports[1].port", "must be between 1 and 65535", func(a *components.DatabaseClusterArgs) { a.Spec.Ports[1].Port = 70000 }),
		db("duplicate port name", "spec.ports[1].name", "give each port a unique name", func(a *components.DatabaseClusterArgs) { a.Spec.Ports[1].Name = "sql" }),
		db("duplicate port number", "spec.ports[1].port", "use another number", func(a *components.DatabaseClusterArgs) { a.Spec.Ports[1].Port = 5432 }),
		db("invalid app protocol", "spec.ports[1].appProtocol", `must be a protocol name such as "http"`, func(a *components.DatabaseClusterArgs) { a.Spec.Ports[1].AppProtocol = "web ui" }),
		db("unknown protocol", "spec.ports[1].protocol", `use one of "SCTP", "TCP", "UDP"`, func(a *components.DatabaseClusterArgs) { a.Spec.Ports[1].Protocol = "HTTP" }),
		// --- network ---
		db("invalid service name", "spec.network.serviceName", "lower-case RFC 1123 label", func(a *components.DatabaseClusterArgs) { a.Spec.Network.ServiceName = "Svc" }),
		db("service name starting with a digit", "spec.network.serviceName", "names a Service and must start with a letter", func(a *components.DatabaseClusterArgs) { a.Spec.Network.ServiceName = "1svc" }),
		db("client service name starting with a digit", "spec.network.client.name", "names a Service and must start with a letter", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Name: "2-public"}
		}),
		db("invalid cluster domain", "spec.network.clusterDomain", `must be a DNS domain such as "cluster.local"`, func(a *components.DatabaseClusterArgs) { a.Spec.Network.ClusterDomain = "Cluster_Local" }),
		db("unknown client service type", "spec.network.client.type", `use one of "ClusterIP", "LoadBalancer", "NodePort"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Type: "ExternalName"}
		}),
		db("node ports on ClusterIP", "spec.network.client.nodePorts[sql]", "node ports need type NodePort or LoadBalancer", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{NodePorts: map[string]int32{"sql": 30001}}
		}),
		db("node port outside the range", "spec.network.client.nodePorts[sql]", "node port range 30000-32767", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Type: "NodePort", NodePorts: map[string]int32{"sql": 80}}
		}),
		db("duplicate node port", "spec.network.client.nodePorts[sql]", "give each port its own", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Type: "NodePort", NodePorts: map[string]int32{"sql": 30001, "http": 30001}}
		}),
		db("client port listed twice", "spec.network.client.ports[1]", "list each port once", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Ports: []string{"sql", "sql"}}
		}),
		db("source range that is no CIDR", "spec.network.client.loadBalancerSourceRanges[0]", `must be a CIDR such as "10.0.0.0/8"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Type: "LoadBalancer", LoadBalancerSourceRanges: []string{"10.0.0.0/33"}}
		}),
		db("client service named like the governing one", "spec.network.client.name", "must differ from the governing Service's name", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Name: "db"}
		}),
		db("client service publishes an unknown port", "spec.network.client.ports[1]", "names no declared port", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Ports: []string{"sql", "admin"}}
		}),
		db("source ranges without a load balancer", "spec.network.client.loadBalancerSourceRanges", "only applies to type LoadBalancer", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Type: "NodePort", LoadBalancerSourceRanges: []string{"10.0.0.0/8"}}
		}),
		// --- containers ---
		db("no containers", "spec.containers", "add the database container", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers = nil
			a.Spec.Claims = nil
		}),
		db("missing image", "spec.containers[0].image", "or pass it to the component as an input", func(a *components.DatabaseClusterArgs) { a.Spec.Containers[0].Image = "" }),
		db("image with a blank inside", "spec.containers[0].image", "remove the blanks", func(a *components.DatabaseClusterArgs) { a.Spec.Containers[0].Image = "zookeeper :3.8" }),
		db("image with an upper-case repository", "spec.containers[0].image", "write the repository in lower case", func(a *components.DatabaseClusterArgs) { a.Spec.Containers[0].Image = "Postgres:17" }),
		db("image with an empty tag", "spec.containers[0].image", "give the tag after ':'", func(a *components.DatabaseClusterArgs) { a.Spec.Containers[0].Image = "postgres:" }),
		db("image with a short digest", "spec.containers[0].image", "sha256: and 64 hex digits", func(a *components.DatabaseClusterArgs) { a.Spec.Containers[0].Image = "postgres@sha256:0123abcd" }),
		db("init container image with an upper-case repository", "spec.initContainers[0].image", "write the repository in lower case", func(a *components.DatabaseClusterArgs) {
			a.Spec.InitContainers = []corev1.Container{{Name: "prep", Image: "library/BusyBox"}}
		}),
		db("init Job image with an empty digest", "spec.init.image", "give the digest after '@'", func(a *components.DatabaseClusterArgs) {
			a.Spec.Init = &cluster.InitJob{Command: []string{"init"}, Image: "busybox@"}
		}),
		db("deploy-time image with a blank inside", "image", "remove the blanks", func(a *components.DatabaseClusterArgs) { a.Image = pulumi.String("postgres :17") }),
		db("duplicate container name", "spec.containers[1].name", "give each container a unique name", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers = append(a.Spec.Containers, corev1.Container{Name: "db", Image: "busybox"})
		}),
		db("init container named like a container", "spec.initContainers[0].name", "give each container a unique name", func(a *components.DatabaseClusterArgs) {
			a.Spec.InitContainers = []corev1.Container{{Name: "db", Image: "busybox"}}
		}),
		db("probe on an undeclared port", "spec.containers[0].readinessProbe.httpGet.port", "names no declared port", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromString("web")}}}
		}),
		db("probe without a handler", "spec.containers[0].livenessProbe", "set one handler", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].LivenessProbe = &corev1.Probe{PeriodSeconds: 10}
		}),
		db("probe with two handlers", "spec.containers[0].readinessProbe", "set only one handler", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}, TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("sql")}}}
		}),
		db("liveness probe needing two successes", "spec.containers[0].livenessProbe.successThreshold", "must be 1 for liveness and startup probes", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}, SuccessThreshold: 2}
		}),
		db("probe with an unknown scheme", "spec.containers[0].readinessProbe.httpGet.scheme", `use one of "HTTP", "HTTPS"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromString("http"), Scheme: "FTP"}}}
		}),
		db("exec probe without a command", "spec.containers[0].startupProbe.exec.command", "give the command to run", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].StartupProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{}}}
		}),
		db("probe with a negative period", "spec.containers[0].readinessProbe.periodSeconds", "must be >= 0", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("sql")}}, PeriodSeconds: -1}
		}),
		db("grpc probe on port zero", "spec.containers[0].livenessProbe.grpc.port", "must be between 1 and 65535", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 0}}}
		}),
		db("readiness probe on an init container", "spec.initContainers[0].readinessProbe", "unless they are sidecars", func(a *components.DatabaseClusterArgs) {
			a.Spec.InitContainers = []corev1.Container{{Name: "prep", Image: "busybox", ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}}}}
		}),
		db("mount of an undeclared volume", "spec.containers[0].volumeMounts[0].name", "declare it in spec.volumes or spec.claims", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "scratch", MountPath: "/scratch"}}
		}),
		db("relative mount path", "spec.containers[0].volumeMounts[0].mountPath", "must be an absolute path", func(a *components.DatabaseClusterArgs) {
			a.Spec.Volumes = []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
			a.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "scratch", MountPath: "scratch"}}
		}),
		db("two volumes on one path", "spec.claims[0].mountPath", "use another path", func(a *components.DatabaseClusterArgs) {
			a.Spec.Volumes = []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
			a.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "scratch", MountPath: "/var/lib/data/"}}
		}),
		db("request above limit", "spec.containers[0].resources.requests[cpu]", "raise the limit or lower the request", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Resources = corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")},
			}
		}),
		db("negative memory limit", "spec.containers[0].resources.limits[memory]", "must not be negative", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Resources = corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("-1Gi")}}
		}),
		db("env var name with =", "spec.containers[0].env[0].name", "must be an environment variable name", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "A=B", Value: "1"}}
		}),
		db("init Job env var name with =", "spec.init.env[0].name", "must be an environment variable name", func(a *components.DatabaseClusterArgs) {
			a.Spec.Init = &cluster.InitJob{Command: []string{"init"}, Env: []corev1.EnvVar{{Name: "X=1"}}}
		}),
		db("container port name that is no IANA name", "spec.containers[0].ports[0].name", "must be an IANA service name", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "Admin UI", ContainerPort: 9000}}
		}),
		db("unnamed container port zero", "spec.containers[0].ports[0].containerPort", "must be between 1 and 65535", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 0}}
		}),
		db("duplicate env var", "spec.containers[0].env[1].name", "this variable is already set; remove one", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "A", Value: "2"}}
		}),
		db("env value that is not UTF-8", "spec.containers[0].env[0].value", "must be UTF-8 text", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "KEY", Value: "\x80"}}
		}),
		db("env var with value and valueFrom", "spec.containers[0].env[0]", "set value or valueFrom, not both", func(a *components.DatabaseClusterArgs) {
			e := cluster.FieldEnv("POD", "metadata.name")
			e.Value = "x"
			a.Spec.Containers[0].Env = []corev1.EnvVar{e}
		}),
		db("env from a missing config key", "spec.containers[0].env[0].valueFrom.configMapKeyRef.key", "is not a key of spec.config.data", func(a *components.DatabaseClusterArgs) {
			projected(a, conf)
			a.Spec.Containers[0].Env = []corev1.EnvVar{cluster.ConfigEnv("MODE", "mode")}
		}),
		db("env from secret data that was not given", "spec.containers[0].env[0].valueFrom.secretKeyRef.key", "is not a key of the secret data", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Env = []corev1.EnvVar{cluster.SecretEnv("PASSWORD", "password")}
		}),
		db("envFrom the generated ConfigMap without data", "spec.containers[0].envFrom[0].configMapRef.name", "spec.config.data is empty; add data", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].EnvFrom = []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedConfigMap}}}}
		}),
		db("env from an unknown container's resources", "spec.containers[0].env[0].valueFrom.resourceFieldRef.containerName", "names no container of the pod", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "CPU", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "ghost", Resource: "limits.cpu"}}}}
		}),
		// --- claims and volumes ---
		db("claim without size", "spec.claims[0].size", `set a size such as "10Gi"`, func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].Size = "" }),
		db("claim size not a quantity", "spec.claims[0].size", `must be a Kubernetes quantity such as "10Gi"`, func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].Size = "ten gigs" }),
		db("claim size zero", "spec.claims[0].size", "must be greater than zero", func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].Size = "0" }),
		db("claim size negative", "spec.claims[0].size", "must be greater than zero", func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].Size = "-1Gi" }),
		db("claim size with a huge exponent", "spec.claims[0].size", "with an exponent of at most two digits", func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].Size = "1e-99999999" }),
		db("claim size of 8Ei", "spec.claims[0].size", "must be less than 8Ei", func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].Size = "8Ei" }),
		db("two block claims on one device path", "spec.claims[1].devicePath", "use another path", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims = append(a.Spec.Claims,
				cluster.Claim{Name: "raw-a", Size: "1Gi", VolumeMode: corev1.PersistentVolumeBlock, DevicePath: "/dev/xvdb"},
				cluster.Claim{Name: "raw-b", Size: "1Gi", VolumeMode: corev1.PersistentVolumeBlock, DevicePath: "/dev/xvdb"})
			a.Spec.Claims = a.Spec.Claims[1:]
		}),
		db("ReadWriteOncePod with another access mode", "spec.claims[0].accessModes[0]", "ReadWriteOncePod cannot be combined with other access modes", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims[0].AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod, corev1.ReadWriteOnce}
		}),
		db("claim without mount path", "spec.claims[0].mountPath", "set where the containers mount the claim", func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].MountPath = "" }),
		db("mount path that is not UTF-8", "spec.claims[0].mountPath", "must be UTF-8 text", func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].MountPath = "/data/\xfe" }),
		db("claim with a relative mount path", "spec.claims[0].mountPath", "must be an absolute path", func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].MountPath = "var/lib/data" }),
		db("block claim without device path", "spec.claims[0].devicePath", "set the device path of the Block claim", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims[0].VolumeMode = corev1.PersistentVolumeBlock
			a.Spec.Claims[0].MountPath = ""
		}),
		db("block claim with a mount path", "spec.claims[0].mountPath", "a Block claim is not mounted; use devicePath", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims[0].VolumeMode = corev1.PersistentVolumeBlock
			a.Spec.Claims[0].DevicePath = "/dev/xvdb"
		}),
		db("filesystem claim with a device path", "spec.claims[0].devicePath", "devicePath applies to volumeMode Block", func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].DevicePath = "/dev/xvdb" }),
		db("unknown volume mode", "spec.claims[0].volumeMode", `use one of "Block", "Filesystem"`, func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].VolumeMode = "Raw" }),
		db("unknown access mode", "spec.claims[0].accessModes[0]", `"ReadWriteOncePod"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims[0].AccessModes = []corev1.PersistentVolumeAccessMode{"ReadWriteAlways"}
		}),
		db("claim mounted into an unknown container", "spec.claims[0].containers[0]", "names no container in spec.containers", func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].Containers = []string{"ghost"} }),
		db("duplicate claim name", "spec.claims[1].name", "spec.claims[0] already uses this name", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims = append(a.Spec.Claims, cluster.Claim{Name: "data", Size: "1Gi", MountPath: "/wal"})
		}),
		db("invalid claim storage class", "spec.claims[0].storageClassName", "RFC 1123 subdomain", func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].StorageClassName = "Fast_SSD" }),
		db("invalid claim label", "spec.claims[0].labels[tier]", "label value", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims[0].Labels = map[string]string{"tier": "hot data"}
		}),
		db("volume named like a claim", "spec.volumes[0].name", "a claim already uses this name; rename the volume", func(a *components.DatabaseClusterArgs) {
			a.Spec.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
		}),
		db("invalid volume name", "spec.volumes[0].name", "lower-case RFC 1123 label", func(a *components.DatabaseClusterArgs) {
			a.Spec.Volumes = []corev1.Volume{{Name: "Scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
		}),
		// --- projected config directory ---
		db("relative config mount path", "spec.config.mountPath", `such as "/etc/ordinal"`, func(a *components.DatabaseClusterArgs) {
			projected(a, conf)
			a.Spec.Config.MountPath = "etc/ordinal"
		}),
		db("empty config directory", "spec.config", "the config directory is empty", func(a *components.DatabaseClusterArgs) { projected(a, nil) }),
		db("config key with a slash", "spec.config.data[conf/app.conf]", "must be a ConfigMap key", func(a *components.DatabaseClusterArgs) {
			projected(a, map[string]string{"conf/app.conf": "x"})
		}),
		db("config data that is not UTF-8", "spec.config.data[app.conf]", "a ConfigMap's data cannot hold binary content", func(a *components.DatabaseClusterArgs) {
			projected(a, map[string]string{"app.conf": "\xff\xfe"})
		}),
		db("config default mode above 0777", "spec.config.defaultMode", "must be a file mode between 0000 and 0777", func(a *components.DatabaseClusterArgs) {
			projected(a, conf)
			a.Spec.Config.DefaultMode = i32(0o1777)
		}),
		db("config mounted into an unknown container", "spec.config.containers[0]", "names no container in spec.containers", func(a *components.DatabaseClusterArgs) {
			projected(a, conf)
			a.Spec.Config.Containers = []string{"ghost"}
		}),
		db("config volume named like a claim", "spec.config.volumeName", "set another volumeName", func(a *components.DatabaseClusterArgs) {
			projected(a, conf)
			a.Spec.Config.VolumeName = "data"
		}),
		db("absolute projected path", "spec.config.sources[0].downwardAPI.items[0].path", `remove the leading "/"`, func(a *components.DatabaseClusterArgs) {
			projected(a, conf, downward("/etc/labels", "metadata.labels"))
		}),
		db("projected path escaping the directory", "spec.config.sources[0].downwardAPI.items[0].path", `must not contain ".."`, func(a *components.DatabaseClusterArgs) {
			projected(a, conf, downward("podinfo/../../labels", "metadata.labels"))
		}),
		db("unclean projected path", "spec.config.sources[0].downwardAPI.items[0].path", "must be a clean relative path", func(a *components.DatabaseClusterArgs) {
			projected(a, conf, downward("podinfo//labels", "metadata.labels"))
		}),
		db("projected path colliding with a data key", "spec.config.sources[0].downwardAPI.items[0].path", "already projects a file at this path", func(a *components.DatabaseClusterArgs) {
			projected(a, conf, downward("app.conf", "metadata.labels"))
		}),
		db("projected file used as a directory", "spec.config.sources[0].downwardAPI.items[0].path", "one file cannot be another's directory", func(a *components.DatabaseClusterArgs) {
			projected(a, map[string]string{"podinfo": "x"}, downward("podinfo/labels", "metadata.labels"))
		}),
		db("downward field a volume cannot project", "spec.config.sources[0].downwardAPI.items[0].fieldRef.fieldPath", "a projected volume supports metadata.name", func(a *components.DatabaseClusterArgs) {
			projected(a, nil, downward("node", "spec.nodeName"))
		}),
		db("downward label key that is no label key", "spec.config.sources[0].downwardAPI.items[0].fieldRef.fieldPath", "names no valid key", func(a *components.DatabaseClusterArgs) {
			projected(a, nil, downward("zone", "metadata.labels['topology zone']"))
		}),
		db("downward label key without quotes", "spec.config.sources[0].downwardAPI.items[0].fieldRef.fieldPath", "name one key as metadata.labels['<key>']", func(a *components.DatabaseClusterArgs) {
			projected(a, nil, downward("zone", "metadata.labels[zone]"))
		}),
		db("short-lived projected token", "spec.config.sources[0].serviceAccountToken.expirationSeconds", "must be between 600 (10 minutes)", func(a *components.DatabaseClusterArgs) {
			projected(a, nil, corev1.VolumeProjection{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: i64(60)}})
		}),
		db("unknown resource field", "spec.config.sources[0].downwardAPI.items[0].resourceFieldRef.resource", "use one of limits.cpu", func(a *components.DatabaseClusterArgs) {
			projected(a, nil, corev1.VolumeProjection{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
				{Path: "gpu", ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "db", Resource: "limits.gpu"}},
			}}})
		}),
		db("resource field of an unknown container", "spec.config.sources[0].downwardAPI.items[0].resourceFieldRef.containerName", "names no container in spec.containers", func(a *components.DatabaseClusterArgs) {
			projected(a, nil, corev1.VolumeProjection{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
				{Path: "cpu", ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "ghost", Resource: "limits.cpu"}},
			}}})
		}),
		db("source with two kinds", "spec.config.sources[0]", "each source must set exactly one of", func(a *components.DatabaseClusterArgs) {
			src := downward("labels", "metadata.labels")
			src.ServiceAccountToken = &corev1.ServiceAccountTokenProjection{Path: "token"}
			projected(a, nil, src)
		}),
		db("generated Secret projected without secret data", "spec.config.sources[0].secret.name", "refers to generated data, but none was given", func(a *components.DatabaseClusterArgs) {
			projected(a, conf, corev1.VolumeProjection{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedSecret}}})
		}),
		db("projected item without key", "spec.config.sources[0].configMap.items[0].key", "name the key to project", func(a *components.DatabaseClusterArgs) {
			projected(a, nil, corev1.VolumeProjection{ConfigMap: &corev1.ConfigMapProjection{
				LocalObjectReference: corev1.LocalObjectReference{Name: "extra"}, Items: []corev1.KeyToPath{{Path: "extra.conf"}},
			}})
		}),
		db("projected key missing from the generated data", "spec.config.sources[0].configMap.items[0].key", "is not a key of the generated data", func(a *components.DatabaseClusterArgs) {
			projected(a, conf, corev1.VolumeProjection{ConfigMap: &corev1.ConfigMapProjection{
				LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedConfigMap}, Items: []corev1.KeyToPath{{Key: "other.conf", Path: "copy/other.conf"}},
			}})
		}),
		db("projected item mode above 0777", "spec.config.sources[0].configMap.items[0].mode", "must be a file mode", func(a *components.DatabaseClusterArgs) {
			projected(a, nil, corev1.VolumeProjection{ConfigMap: &corev1.ConfigMapProjection{
				LocalObjectReference: corev1.LocalObjectReference{Name: "extra"}, Items: []corev1.KeyToPath{{Key: "a", Path: "a", Mode: i32(0o1000)}},
			}})
		}),
		// --- secret data ---
		db("secret data key without value", "secretData[password]", `cfg.RequireSecret("password")`, func(a *components.DatabaseClusterArgs) {
			a.SecretData = map[string]pulumi.StringInput{"password": nil}
		}),
		db("secret data key that is no file name", "secretData[root password]", "must be a Secret key", func(a *components.DatabaseClusterArgs) {
			projected(a, conf)
			a.SecretData = map[string]pulumi.StringInput{"root password": pulumi.String("x")}
		}),
		db("secret data key that is no file name, without config", "secretData[root password]", "must be a Secret key", func(a *components.DatabaseClusterArgs) {
			a.SecretData = map[string]pulumi.StringInput{"root password": pulumi.String("x")}
		}),
		db("secret key colliding with a config file", "secretData[app.conf]", "already projects a file at this path", func(a *components.DatabaseClusterArgs) {
			projected(a, conf)
			a.SecretData = map[string]pulumi.StringInput{"app.conf": pulumi.String("x")}
		}),
		// --- disruption budget ---
		db("PDB with both bounds", "spec.disruption", "set minAvailable or maxUnavailable, not both", func(a *components.DatabaseClusterArgs) {
			a.Spec.Disruption = &cluster.Disruption{MinAvailable: ios(intstr.FromInt32(2)), MaxUnavailable: ios(intstr.FromInt32(1))}
		}),
		db("PDB minAvailable above replicas", "spec.disruption.minAvailable", "must be between 0 and replicas (3)", func(a *components.DatabaseClusterArgs) {
			a.Spec.Disruption = &cluster.Disruption{MinAvailable: ios(intstr.FromInt32(5))}
		}),
		db("PDB maxUnavailable above 100%", "spec.disruption.maxUnavailable", `must be at most "100%"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.Disruption = &cluster.Disruption{MaxUnavailable: ios(intstr.FromString("120%"))}
		}),
		db("PDB unknown eviction policy", "spec.disruption.unhealthyPodEvictionPolicy", `use one of "AlwaysAllow", "IfHealthyBudget"`, func(a *components.DatabaseClusterArgs) {
			p := policyv1.UnhealthyPodEvictionPolicyType("Never")
			a.Spec.Disruption = &cluster.Disruption{UnhealthyPodEvictionPolicy: &p}
		}),
		// --- scheduling ---
		db("unknown anti-affinity preset", "spec.scheduling.antiAffinity", `use one of "hard", "none", "soft"`, func(a *components.DatabaseClusterArgs) { a.Spec.Scheduling.AntiAffinity = "strict" }),
		db("unknown zone spread preset", "spec.scheduling.zoneSpread", `use one of "hard", "soft"`, func(a *components.DatabaseClusterArgs) { a.Spec.Scheduling.ZoneSpread = "always" }),
		db("invalid topology key", "spec.scheduling.antiAffinityTopologyKey", "must be a node label key", func(a *components.DatabaseClusterArgs) { a.Spec.Scheduling.AntiAffinityTopologyKey = "host name" }),
		db("invalid node selector value", "spec.scheduling.nodeSelector[disk]", "label value", func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.NodeSelector = map[string]string{"disk": "fast ssd"}
		}),
		db("toleration Exists with a value", "spec.scheduling.tolerations[0].value", "must be empty when operator is Exists", func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists, Value: "db"}}
		}),
		db("toleration without key", "spec.scheduling.tolerations[0].operator", "an empty key needs operator Exists", func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.Tolerations = []corev1.Toleration{{Value: "db"}}
		}),
		db("toleration key that is no taint key", "spec.scheduling.tolerations[0].key", "must be a taint key", func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.Tolerations = []corev1.Toleration{{Key: "a=b", Operator: corev1.TolerationOpExists}}
		}),
		db("toleration value that is no taint value", "spec.scheduling.tolerations[0].value", "must be a taint value", func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.Tolerations = []corev1.Toleration{{Key: "dedicated", Value: "data base"}}
		}),
		db("unknown toleration effect", "spec.scheduling.tolerations[0].effect", `use one of "NoExecute", "NoSchedule", "PreferNoSchedule"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists, Effect: "Sometimes"}}
		}),
		db("unknown toleration operator", "spec.scheduling.tolerations[0].operator", `use one of "Equal", "Exists"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: "Maybe"}}
		}),
		// --- security ---
		db("unknown security profile", "spec.security.profile", `use one of "none", "restricted"`, func(a *components.DatabaseClusterArgs) { a.Spec.Security.Profile = "privileged" }),
		db("root under the restricted profile", "spec.security.runAsUser", "the restricted profile runs as non-root", func(a *components.DatabaseClusterArgs) { a.Spec.Security.RunAsUser = i64(0) }),
		db("root pod security context under the restricted profile", "spec.security.podSecurityContext.runAsUser", "use a non-zero id such as 1000", func(a *components.DatabaseClusterArgs) {
			a.Spec.Security.PodSecurityContext = &corev1.PodSecurityContext{RunAsUser: i64(0)}
		}),
		db("root container under the restricted profile", "spec.containers[0].securityContext.runAsUser", "use a non-zero id such as 1000", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{RunAsUser: i64(0)}
		}),
		db("capability other than NET_BIND_SERVICE under the restricted profile", "spec.containers[0].securityContext.capabilities.add[0]", "allows adding only NET_BIND_SERVICE", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN"}}}
		}),
		db("privileged container under the restricted profile", "spec.containers[0].securityContext.privileged", "remove privileged", func(a *components.DatabaseClusterArgs) {
			t := true
			a.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: &t}
		}),
		db("negative fsGroup", "spec.security.fsGroup", "must be between 0 and 2147483647", func(a *components.DatabaseClusterArgs) { a.Spec.Security.FSGroup = i64(-5) }),
		// --- metadata ---
		db("label overriding the selector", "spec.labels[app.kubernetes.io/instance]", "this label selects the cluster's pods", func(a *components.DatabaseClusterArgs) {
			a.Spec.Labels = map[string]string{"app.kubernetes.io/instance": "other"}
		}),
		db("pod label overriding the selector", "spec.podLabels[app.kubernetes.io/component]", "this label selects the cluster's pods", func(a *components.DatabaseClusterArgs) {
			a.Spec.PodLabels = map[string]string{"app.kubernetes.io/component": "db"}
		}),
		db("invalid label key", "spec.labels[team name]", "label key", func(a *components.DatabaseClusterArgs) { a.Spec.Labels = map[string]string{"team name": "x"} }),
		db("label value too long", "spec.labels[team]", "must be no more than 63", func(a *components.DatabaseClusterArgs) {
			a.Spec.Labels = map[string]string{"team": strings.Repeat("x", 64)}
		}),
		db("invalid annotation key", "spec.annotations[see: docs]", "annotation key", func(a *components.DatabaseClusterArgs) { a.Spec.Annotations = map[string]string{"see: docs": "x"} }),
		db("annotation value that is not UTF-8", "spec.annotations[note]", "annotation value must be UTF-8 text", func(a *components.DatabaseClusterArgs) {
			a.Spec.Annotations = map[string]string{"note": "\xc3\x28"}
		}),
		db("app name that is no label value", "spec.appName", "becomes the label app.kubernetes.io/name", func(a *components.DatabaseClusterArgs) { a.Spec.AppName = "My App" }),
		db("version that is no label value", "spec.version", "becomes the label app.kubernetes.io/version", func(a *components.DatabaseClusterArgs) { a.Spec.Version = "1.0+build" }),
		// --- membership Job ---
		db("membership Job without command", "spec.membership.command", "takes the departing members out", func(a *components.DatabaseClusterArgs) {
			a.Spec.Membership = &cluster.MembershipJob{}
		}),
		db("membership Job env the Job sets itself", "spec.membership.env[0].name", "is set by the membership Job itself", func(a *components.DatabaseClusterArgs) {
			a.Spec.Membership = &cluster.MembershipJob{InitJob: cluster.InitJob{Command: []string{"leave"}, Env: []corev1.EnvVar{{Name: "ORDINAL_REPLICAS", Value: "1"}}}}
		}),
		db("membership Job mount of no volume", "spec.membership.volumeMounts[0].name", "names no volume of spec.membership.volumes", func(a *components.DatabaseClusterArgs) {
			a.Spec.Membership = &cluster.MembershipJob{InitJob: cluster.InitJob{Command: []string{"leave"}}, VolumeMounts: []corev1.VolumeMount{{Name: "tools", MountPath: "/tools"}}}
		}),
		// --- init Job ---
		db("init Job without command", "spec.init.command", "give the bootstrap command", func(a *components.DatabaseClusterArgs) { a.Spec.Init = &cluster.InitJob{} }),
		db("init Job negative backoff", "spec.init.backoffLimit", "must be >= 0", func(a *components.DatabaseClusterArgs) {
			a.Spec.Init = &cluster.InitJob{Command: []string{"init"}, BackoffLimit: i32(-1)}
		}),
		db("init Job zero deadline", "spec.init.activeDeadlineSeconds", "must be > 0", func(a *components.DatabaseClusterArgs) {
			a.Spec.Init = &cluster.InitJob{Command: []string{"init"}, ActiveDeadlineSeconds: i64(0)}
		}),
		// --- NetworkPolicy and access ---
		db("network policy that denies everything", "spec.networkPolicy.enabled", "mark the ports clients and members use", func(a *components.DatabaseClusterArgs) {
			a.Spec.Ports = []network.Port{{Name: "sql", Port: 5432}}
			a.Spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true}
		}),
		db("network policy client with a bad CIDR", "spec.networkPolicy.clients[0].ipBlock.cidr", `must be a CIDR such as "10.0.0.0/8"`, func(a *components.DatabaseClusterArgs) {
			a.Spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true, Clients: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.300/8"}}}}
		}),
		db("network policy exception outside its CIDR", "spec.networkPolicy.clients[0].ipBlock.except[0]", "must be a strict subset of the cidr", func(a *components.DatabaseClusterArgs) {
			a.Spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true, Clients: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{"192.168.0.0/16"}}}}}
		}),
		db("network policy client of two kinds", "spec.networkPolicy.clients[0]", "but not both kinds", func(a *components.DatabaseClusterArgs) {
			a.Spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true, Clients: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8"}, PodSelector: &metav1.LabelSelector{}}}}
		}),
		db("access without rules", "spec.access.rules", "list the permissions the engine needs", func(a *components.DatabaseClusterArgs) { a.Spec.Access = &cluster.Access{} }),
		db("access with a wildcard verb", "spec.access.rules[0].verbs[0]", "list each verb explicitly", func(a *components.DatabaseClusterArgs) {
			a.Spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"*"}}}}
		}),
		db("access with a subresource wildcard", "spec.access.rules[0].resources[0]", "list each resource explicitly", func(a *components.DatabaseClusterArgs) {
			a.Spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"*/exec"}, Verbs: []string{"create"}}}}
		}),
		db("access with a wildcard subresource", "spec.access.rules[0].resources[0]", "list each resource explicitly", func(a *components.DatabaseClusterArgs) {
			a.Spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods/*"}, Verbs: []string{"get"}}}}
		}),
		db("access with the escalate verb", "spec.access.rules[0].verbs[0]", "an engine never needs it: remove the verb", func(a *components.DatabaseClusterArgs) {
			a.Spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"roles"}, Verbs: []string{"escalate"}}}}
		}),
		db("access with the impersonate verb", "spec.access.rules[0].verbs[0]", "act as other users", func(a *components.DatabaseClusterArgs) {
			a.Spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"serviceaccounts"}, Verbs: []string{"impersonate"}}}}
		}),
		db("access behind restricted egress without the API server", "spec.networkPolicy.restrictEgress", "allow it in spec.networkPolicy.egress", func(a *components.DatabaseClusterArgs) {
			a.Spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}}}
			a.Spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true, RestrictEgress: true}
		}),
		db("egress rules without restricted egress", "spec.networkPolicy.egress", "set restrictEgress or remove egress", func(a *components.DatabaseClusterArgs) {
			a.Spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true, Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.1/32"}}}}}}
		}),
		db("access with non-resource URLs", "spec.access.rules[0].nonResourceURLs", "a namespaced Role cannot grant non-resource URLs", func(a *components.DatabaseClusterArgs) {
			a.Spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{NonResourceURLs: []string{"/healthz"}, Verbs: []string{"get"}}}}
		}),
		db("access with another service account", "spec.serviceAccountName", "remove serviceAccountName or remove access", func(a *components.DatabaseClusterArgs) {
			a.Spec.ServiceAccountName = "other"
			a.Spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}}}
		}),
		// --- names and labels of the child objects ---
		db("PDB name that is no subdomain", "spec.objects.pdb.name", "must be a lower-case RFC 1123 subdomain", func(a *components.DatabaseClusterArgs) {
			a.Spec.Objects.PDB.Name = "Bini_Budget"
		}),
		db("init Job name that is no label", "spec.objects.initJob.name", "must be a lower-case RFC 1123 label", func(a *components.DatabaseClusterArgs) {
			a.Spec.Init = &cluster.InitJob{Command: []string{"init"}}
			a.Spec.Objects.InitJob.Name = "cluster.init"
		}),
		db("ConfigMap name with no room for its hash", "spec.objects.configMap.name", "-<10-character hash of its data>", func(a *components.DatabaseClusterArgs) {
			projected(a, conf)
			a.Spec.Objects.ConfigMap.Name = strings.Repeat("c", 250)
		}),
		db("Role name with a slash", "spec.objects.role.name", "must be a Role or RoleBinding name", func(a *components.DatabaseClusterArgs) {
			a.Spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}}}
			a.Spec.Objects.Role.Name = "db/peers"
		}),
		db("name for an init Job that is not created", "spec.objects.initJob", "spec.init is not set, so no init Job is created", func(a *components.DatabaseClusterArgs) {
			a.Spec.Objects.InitJob.Name = "cluster-init"
		}),
		db("selector label on one object", "spec.objects.pdb.labels[app.kubernetes.io/instance]", "selects the cluster's pods and is set by ordinal", func(a *components.DatabaseClusterArgs) {
			a.Spec.Objects.PDB.Labels = map[string]string{"app.kubernetes.io/instance": "bini"}
		}),
		db("selector label on the governing Service", "spec.network.serviceLabels[app.kubernetes.io/component]", "is in the Services' selector", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.ServiceLabels = map[string]string{"app.kubernetes.io/component": "headless"}
		}),
		db("selector label on the client Service", "spec.network.client.labels[app.kubernetes.io/instance]", "is in the Services' selector", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Labels: map[string]string{"app.kubernetes.io/instance": "public"}}
		}),
		db("client Service named like a renamed governing one", "spec.network.client.name", "must differ from the governing Service's name", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.ServiceName = "bini"
			a.Spec.Network.Client = &network.ClientService{Name: "bini"}
		}),
		// --- component arguments ---
		db("image for an unknown container", "images[ghost]", "names no container", func(a *components.DatabaseClusterArgs) {
			a.Images = map[string]pulumi.StringInput{"ghost": pulumi.String("busybox")}
		}),
		db("image given twice", "image", "also sets the first container's image; set only one", func(a *components.DatabaseClusterArgs) {
			a.Image = pulumi.String("postgres:17")
			a.Images = map[string]pulumi.StringInput{"db": pulumi.String("postgres:16")}
		}),
		db("unknown deletion policy", "deletion", `use one of "background", "orphan"`, func(a *components.DatabaseClusterArgs) { a.Deletion = "cascade" }),
		db("negative await timeout", "awaitTimeoutSeconds", "0 means the default, 600", func(a *components.DatabaseClusterArgs) { a.AwaitTimeoutSeconds = -1 }),
		db("pool and storage class together", "storageClassName", "set pool or storageClassName, not both", func(a *components.DatabaseClusterArgs) {
			a.Pool = unregisteredPool(localpv.Spec{Nodes: []string{"n0", "n1", "n2"}, Path: "/mnt/d", Capacity: "100Gi"})
			a.StorageClassName = pulumi.String("fast")
		}),
		// --- pool capacity and placement ---
		db("pool with fewer volumes than replicas", "spec.claims[0].size", "add volumes to the pool, or lower the size or the replicas", func(a *components.DatabaseClusterArgs) {
			a.Pool = unregisteredPool(localpv.Spec{Nodes: []string{"n0", "n1"}, Path: "/mnt/d", Capacity: "100Gi"})
		}),
		db("pool volumes smaller than the claim", "spec.claims[0].size", `has 0 volume(s) of at least this size`, func(a *components.DatabaseClusterArgs) {
			a.Pool = unregisteredPool(localpv.Spec{Nodes: []string{"n0", "n1", "n2"}, Path: "/mnt/d", Capacity: "5Gi"})
		}),
		db("hard anti-affinity with fewer pool nodes than replicas", "spec.scheduling.antiAffinity", `add nodes to the pool, use "soft", or lower the replicas`, func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.AntiAffinity = cluster.AntiAffinityHard
			a.Pool = unregisteredPool(localpv.Spec{Capacity: "100Gi", Volumes: []localpv.Volume{
				{Node: "n0", Path: "/mnt/a"}, {Node: "n0", Path: "/mnt/b"}, {Node: "n1", Path: "/mnt/a"},
			}})
		}),
		db("two claims on a pool too small for both", "spec.claims", "(2 per pod), but the pool has 4", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims = append(a.Spec.Claims, cluster.Claim{Name: "wal", Size: "1Gi", MountPath: "/wal"})
			a.Pool = unregisteredPool(localpv.Spec{Nodes: []string{"n0", "n1", "n2", "n3"}, Path: "/mnt/d", Capacity: "100Gi"})
		}),

		db("two claims per pod on one disk per node under hard anti-affinity", "spec.scheduling.antiAffinity", "only 1 node(s) have them", func(a *components.DatabaseClusterArgs) {
			a.Spec.Scheduling.AntiAffinity = cluster.AntiAffinityHard
			a.Spec.Claims = append(a.Spec.Claims, cluster.Claim{Name: "wal", Size: "1Gi", MountPath: "/wal"})
			a.Pool = unregisteredPool(localpv.Spec{Capacity: "100Gi", Volumes: []localpv.Volume{
				{Node: "n0", Path: "/a"}, {Node: "n0", Path: "/b"}, {Node: "n0", Path: "/c"}, {Node: "n0", Path: "/d"}, {Node: "n1", Path: "/a"}, {Node: "n2", Path: "/a"},
			}})
		}),
		db("second claim larger than the second disk of each node", "spec.claims", "have room for only 0 pod(s)", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims = append(a.Spec.Claims, cluster.Claim{Name: "wal", Size: "8Gi", MountPath: "/wal"})
			var v []localpv.Volume
			for _, n := range []string{"n0", "n1", "n2", "n3"} {
				v = append(v, localpv.Volume{Node: n, Path: "/a", Capacity: "100Gi"}, localpv.Volume{Node: n, Path: "/b", Capacity: "5Gi"})
			}
			v = append(v, localpv.Volume{Node: "n4", Path: "/a", Capacity: "8Gi"}, localpv.Volume{Node: "n5", Path: "/a", Capacity: "8Gi"}, localpv.Volume{Node: "n6", Path: "/a", Capacity: "8Gi"})
			a.Pool = unregisteredPool(localpv.Spec{Volumes: v})
		}),
		db("ReadOnlyMany claim on a pool of ReadWriteOnce volumes", "spec.claims[0].accessModes[0]", "a volume binds a claim only if its modes include all of the claim's", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims[0].AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadOnlyMany}
			a.Pool = unregisteredPool(localpv.Spec{Nodes: []string{"n0", "n1", "n2"}, Path: "/mnt/d", Capacity: "100Gi"})
		}),
		db("ReadWriteOnce claim on a pool of ReadWriteOncePod volumes", "spec.claims[0].accessModes[0]", "request ReadWriteOncePod", func(a *components.DatabaseClusterArgs) {
			a.Pool = unregisteredPool(localpv.Spec{Nodes: []string{"n0", "n1", "n2"}, Path: "/mnt/d", Capacity: "100Gi", AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod}})
		}),
		db("Filesystem claim on a pool of Block volumes", "spec.claims[0].volumeMode", "set volumeMode Block", func(a *components.DatabaseClusterArgs) {
			a.Pool = unregisteredPool(localpv.Spec{Nodes: []string{"n0", "n1", "n2"}, Path: "/dev/sdb", Capacity: "100Gi", VolumeMode: corev1.PersistentVolumeBlock})
		}),
		// --- LocalVolumePool ---
		pool("no volumes", "spec.nodes", "list the nodes that have a local disk", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Nodes, a.Spec.Path = nil, ""
		}),
		pool("existing class made the default", "spec.defaultClass", "cannot make it the default", func(a *components.LocalVolumePoolArgs) {
			a.Spec.ExistingStorageClass, a.Spec.DefaultClass = true, true
		}),
		pool("nodes without path", "spec.path", `the mount point of the disk on the node, e.g. "/mnt/disks/ssd0"`, func(a *components.LocalVolumePoolArgs) { a.Spec.Path = "" }),
		pool("relative path", "spec.path", "must be an absolute path on the node", func(a *components.LocalVolumePoolArgs) { a.Spec.Path = "mnt/disks/ssd0" }),
		pool("path that is not UTF-8", "spec.path", "must be UTF-8 text", func(a *components.LocalVolumePoolArgs) { a.Spec.Path = "/mnt/\xff" }),
		pool("root path", "spec.path", "must be a clean absolute path below", func(a *components.LocalVolumePoolArgs) { a.Spec.Path = "/" }),
		pool("unclean path", "spec.path", "no \"..\", \".\", trailing or doubled slashes", func(a *components.LocalVolumePoolArgs) { a.Spec.Path = "/mnt//disks/ssd0/" }),
		pool("path without nodes", "spec.path", "path applies to nodes", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Nodes = nil
			a.Spec.Volumes = []localpv.Volume{{Node: "node-0", Path: "/mnt/disks/ssd0"}}
		}),
		pool("nodes without capacity", "spec.capacity", "set the size of each disk", func(a *components.LocalVolumePoolArgs) { a.Spec.Capacity = "" }),
		pool("capacity not a quantity", "spec.capacity", "must be a Kubernetes quantity", func(a *components.LocalVolumePoolArgs) { a.Spec.Capacity = "lots" }),
		pool("zero capacity", "spec.capacity", "must be greater than zero", func(a *components.LocalVolumePoolArgs) { a.Spec.Capacity = "0Gi" }),
		pool("empty node", "spec.nodes[1]", "set the node's hostname label value", func(a *components.LocalVolumePoolArgs) { a.Spec.Nodes[1] = "" }),
		pool("node that is no label value", "spec.nodes[1]", "must be a node label value", func(a *components.LocalVolumePoolArgs) { a.Spec.Nodes[1] = "node 1" }),
		pool("duplicate node", "spec.nodes[2]", "list each node once", func(a *components.LocalVolumePoolArgs) { a.Spec.Nodes[2] = "node-0" }),
		pool("volume without capacity", "spec.volumes[0].capacity", "set capacity here or the pool's capacity", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Nodes, a.Spec.Path, a.Spec.Capacity = nil, "", ""
			a.Spec.Volumes = []localpv.Volume{{Node: "node-0", Path: "/mnt/a"}}
		}),
		pool("volume with a negative capacity", "spec.volumes[0].capacity", "must be greater than zero", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Volumes = []localpv.Volume{{Node: "node-0", Path: "/mnt/b", Capacity: "-5Gi"}}
		}),
		pool("volume duplicating a node entry", "spec.volumes[0]", "already describes this node and path; remove one", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Volumes = []localpv.Volume{{Node: "node-1", Path: "/mnt/disks/ssd0"}}
		}),
		pool("block volume without device", "spec.volumes[0].path", `the block device on the node, e.g. "/dev/nvme1n1"`, func(a *components.LocalVolumePoolArgs) {
			a.Spec.Nodes, a.Spec.Path = nil, ""
			a.Spec.VolumeMode = corev1.PersistentVolumeBlock
			a.Spec.Volumes = []localpv.Volume{{Node: "node-0"}}
		}),
		pool("unknown access mode", "spec.accessModes[0]", `"ReadWriteOncePod"`, func(a *components.LocalVolumePoolArgs) {
			a.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{"ReadWriteSometimes"}
		}),
		pool("ReadWriteOncePod with another access mode", "spec.accessModes[1]", "ReadWriteOncePod cannot be combined", func(a *components.LocalVolumePoolArgs) {
			a.Spec.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadWriteOncePod}
		}),
		pool("capacity with a huge exponent", "spec.capacity", "with an exponent of at most two digits", func(a *components.LocalVolumePoolArgs) { a.Spec.Capacity = "1e99999999" }),
		pool("unknown volume mode", "spec.volumeMode", `use one of "Block", "Filesystem"`, func(a *components.LocalVolumePoolArgs) { a.Spec.VolumeMode = "Raw" }),
		pool("fsType on a block pool", "spec.fsType", "a Block volume has no filesystem", func(a *components.LocalVolumePoolArgs) {
			a.Spec.VolumeMode = corev1.PersistentVolumeBlock
			a.Spec.FSType = "ext4"
		}),
		pool("unknown reclaim policy", "spec.reclaimPolicy", `use one of "Delete", "Retain"`, func(a *components.LocalVolumePoolArgs) { a.Spec.ReclaimPolicy = "Recycle" }),
		pool("invalid node label key", "spec.nodeLabelKey", `such as "kubernetes.io/hostname"`, func(a *components.LocalVolumePoolArgs) { a.Spec.NodeLabelKey = "host name" }),
		poolNamed("name that is no label value", "Local SSD", "name", "becomes the label app.kubernetes.io/instance", func(a *components.LocalVolumePoolArgs) { a.Spec.StorageClassName = "local-ssd" }),
		poolNamed("name longer than a label value", strings.Repeat("ssd.", 20)+"pool", "name", "must be no more than 63", func(a *components.LocalVolumePoolArgs) { a.Spec.StorageClassName = "local-ssd" }),
		pool("storage class too long for the PV names", "spec.nodes[0]", "use a shorter storageClassName", func(a *components.LocalVolumePoolArgs) {
			a.Spec.StorageClassName = strings.Repeat("local-ssd.", 24) + "pool"
			a.Spec.Nodes = []string{"node-0"}
		}),
		pool("invalid storage class name", "spec.storageClassName", "RFC 1123 subdomain", func(a *components.LocalVolumePoolArgs) { a.Spec.StorageClassName = "Fast_SSD" }),
		pool("invalid label", "spec.labels[tier]", "label value", func(a *components.LocalVolumePoolArgs) { a.Spec.Labels = map[string]string{"tier": "-hot"} }),
		pool("invalid annotation key", "spec.annotations[a/b/c]", "annotation key", func(a *components.LocalVolumePoolArgs) { a.Spec.Annotations = map[string]string{"a/b/c": "x"} }),
		pool("volume name that is no subdomain", "spec.volumes[0].name", "must be a lower-case RFC 1123 subdomain", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Volumes = []localpv.Volume{{Node: "node-3", Path: "/mnt/disks/ssd0", Name: "PV_Bini_0"}}
		}),
		pool("two volumes of one name", "spec.volumes[1].name", "give each volume a name of its own", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Volumes = []localpv.Volume{{Node: "node-3", Path: "/mnt/disks/ssd0", Name: "pv-bini"}, {Node: "node-4", Path: "/mnt/disks/ssd0", Name: "pv-bini"}}
		}),
		pool("volume named like a generated PV", "spec.volumes[0].name", "spec.nodes[1] already has a PersistentVolume of this name", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Volumes = []localpv.Volume{{Node: "node-3", Path: "/mnt/disks/ssd0", Name: localpv.VolumeName("disks", localpv.Volume{Node: "node-1", Path: "/mnt/disks/ssd0"})}}
		}),
		pool("selector label on one volume", "spec.volumes[0].labels[app.kubernetes.io/component]", "selects the pool's objects and is set by ordinal", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Volumes = []localpv.Volume{{Node: "node-3", Path: "/mnt/disks/ssd0", Labels: map[string]string{"app.kubernetes.io/component": "disk"}}}
		}),
		pool("node label on one volume", "spec.volumes[0].labels[ordinal.dev/node]", "ordinal sets this label to the volume's node", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Volumes = []localpv.Volume{{Node: "node-3", Path: "/mnt/disks/ssd0", Labels: map[string]string{"ordinal.dev/node": "node-0"}}}
		}),
		pool("unknown protection", "protection", `use one of "none", "protect", "retainOnDelete"`, func(a *components.LocalVolumePoolArgs) { a.Protection = "forever" }),

		// --- HeadlessNetwork ---
		netCase("zero replicas", "spec.replicas", "must be >= 1", func(a *components.HeadlessNetworkArgs) { a.Spec.Replicas = 0 }),
		netCase("more replicas than a cluster can hold", "spec.replicas", "the Kubernetes limit of pods per cluster", func(a *components.HeadlessNetworkArgs) { a.Spec.Replicas = 2147483647 }),
		netCase("negative ordinal start", "spec.ordinalStart", "must be >= 0", func(a *components.HeadlessNetworkArgs) { a.Spec.OrdinalStart = -2 }),
		netCase("invalid service name", "spec.serviceName", "lower-case RFC 1123 label", func(a *components.HeadlessNetworkArgs) { a.Spec.ServiceName = "My_Svc" }),
		netCase("service name starting with a digit", "spec.serviceName", "names a Service and must start with a letter", func(a *components.HeadlessNetworkArgs) { a.Spec.ServiceName = "9net" }),
		netCase("invalid StatefulSet name", "spec.statefulSetName", "lower-case RFC 1123 label", func(a *components.HeadlessNetworkArgs) { a.Spec.StatefulSetName = "STS" }),
		netCase("invalid cluster domain", "spec.clusterDomain", `such as "cluster.local"`, func(a *components.HeadlessNetworkArgs) { a.Spec.ClusterDomain = "bad domain" }),
		netCase("empty selector", "spec.selector", "set the labels of the pods this network serves", func(a *components.HeadlessNetworkArgs) { a.Spec.Selector = map[string]string{} }),
		netCase("invalid selector key", "spec.selector[app name]", "label key", func(a *components.HeadlessNetworkArgs) { a.Spec.Selector = map[string]string{"app name": "db"} }),
		netCase("no ports", "spec.ports", "declare at least one named port", func(a *components.HeadlessNetworkArgs) { a.Spec.Ports = nil }),
		netCase("upper-case port name", "spec.ports[0].name", "must be an IANA service name", func(a *components.HeadlessNetworkArgs) { a.Spec.Ports[0].Name = "SQL" }),
		netCase("invalid app protocol", "spec.ports[0].appProtocol", "must be a protocol name", func(a *components.HeadlessNetworkArgs) { a.Spec.Ports[0].AppProtocol = "h2c?" }),
		netCase("unknown protocol", "spec.ports[0].protocol", `use one of "SCTP", "TCP", "UDP"`, func(a *components.HeadlessNetworkArgs) { a.Spec.Ports[0].Protocol = "ICMP" }),
		netCase("unknown client type", "spec.client.type", `use one of "ClusterIP", "LoadBalancer", "NodePort"`, func(a *components.HeadlessNetworkArgs) {
			a.Spec.Client = &network.ClientService{Type: "Headless"}
		}),
		netCase("client without ports", "spec.client.ports", "mark ports with Client: true or list port names here", func(a *components.HeadlessNetworkArgs) {
			a.Spec.Ports[0].Client = false
			a.Spec.Client = &network.ClientService{}
		}),
		netCase("node port above the range", "spec.client.nodePorts[sql]", "node port range 30000-32767", func(a *components.HeadlessNetworkArgs) {
			a.Spec.Client = &network.ClientService{Type: "LoadBalancer", NodePorts: map[string]int32{"sql": 99999}}
		}),
		netCase("node port for an unknown port", "spec.client.nodePorts[web]", "names no declared port", func(a *components.HeadlessNetworkArgs) {
			a.Spec.Client = &network.ClientService{Type: "NodePort", NodePorts: map[string]int32{"web": 31000}}
		}),
		netCase("source range that is no CIDR", "spec.client.loadBalancerSourceRanges[0]", "must be a CIDR", func(a *components.HeadlessNetworkArgs) {
			a.Spec.Client = &network.ClientService{Type: "LoadBalancer", LoadBalancerSourceRanges: []string{"internal"}}
		}),
		netCase("traffic policy on ClusterIP", "spec.client.externalTrafficPolicy", "only applies to type NodePort or LoadBalancer", func(a *components.HeadlessNetworkArgs) {
			a.Spec.Client = &network.ClientService{ExternalTrafficPolicy: "Local"}
		}),
		netCase("unknown traffic policy", "spec.client.externalTrafficPolicy", `use one of "Cluster", "Local"`, func(a *components.HeadlessNetworkArgs) {
			a.Spec.Client = &network.ClientService{Type: "NodePort", ExternalTrafficPolicy: "Nearest"}
		}),
		netCase("invalid client label", "spec.client.labels[lb]", "label value", func(a *components.HeadlessNetworkArgs) {
			a.Spec.Client = &network.ClientService{Labels: map[string]string{"lb": "internal only"}}
		}),
		netCase("selector label on the governing Service", "spec.serviceLabels[app.kubernetes.io/instance]", "is in the Services' selector", func(a *components.HeadlessNetworkArgs) {
			a.Spec.ServiceLabels = map[string]string{"app.kubernetes.io/instance": "zk-headless"}
		}),
		netCase("selector label of the user's on the client Service", "spec.client.labels[app]", "is in the Services' selector", func(a *components.HeadlessNetworkArgs) {
			a.Spec.Selector = map[string]string{"app": "zk"}
			a.Spec.Client = &network.ClientService{Labels: map[string]string{"app": "zk-client"}}
		}),
		netCase("invalid label key", "spec.labels[-team]", "label key", func(a *components.HeadlessNetworkArgs) { a.Spec.Labels = map[string]string{"-team": "x"} }),
		netCase("invalid annotation key", "spec.annotations[x y]", "annotation key", func(a *components.HeadlessNetworkArgs) { a.Spec.Annotations = map[string]string{"x y": "1"} }),
	}
}

// TestBadInputsAreRefusedBeforeAnyRegistration runs every case of the
// corpus under Pulumi mocks: the constructor must return exactly one
// *validation.Error with one problem that names the component, the field
// and a fix, and nothing may be registered, not even the component.
func TestBadInputsAreRefusedBeforeAnyRegistration(t *testing.T) {
	corpus := slices.Concat(badInputs(), limitInputs(), workloadInputs())
	kinds := map[string]int{}
	seen := map[string]bool{}
	for _, c := range corpus {
		kinds[c.kind]++
		require.False(t, seen[c.kind+"/"+c.desc], "duplicate case %q", c.desc)
		seen[c.kind+"/"+c.desc] = true
	}
	t.Logf("bad-input corpus: %d cases (DatabaseCluster %d, LocalVolumePool %d, HeadlessNetwork %d)",
		len(corpus), kinds[cluster.Kind], kinds[localpv.Kind], kinds[network.Kind])
	require.GreaterOrEqual(t, len(corpus), minBadInputs, "the bad-input corpus shrank below %d cases", minBadInputs)
	for _, k := range []string{cluster.Kind, localpv.Kind, network.Kind} {
		require.Positive(t, kinds[k], "no case for %s", k)
	}

	for _, c := range corpus {
		t.Run(c.kind+"/"+c.desc, func(t *testing.T) {
			name := c.name
			if name == "" && c.kind == cluster.Kind && !strings.HasPrefix(c.desc, "empty name") {
				name = "db"
			}
			var errs []error
			rec, runErr := runMocked(func(ctx *pulumi.Context) error {
				if err := c.call(ctx, name); err != nil {
					errs = append(errs, err)
					return err
				}
				return nil
			})
			require.Error(t, runErr, "the program must fail")
			require.Len(t, errs, 1, "exactly one error")
			assert.Zero(t, rec.count(), "resources registered despite invalid arguments: %v", rec.sorted())

			var verr *validation.Error
			require.True(t, errors.As(errs[0], &verr), "error is %T, not *validation.Error: %v", errs[0], errs[0])
			assert.Equal(t, c.kind, verr.Component)
			assert.Equal(t, name, verr.Name)
			require.Len(t, verr.Problems, 1, "exactly one problem, got:\n%v", verr)
			assert.Equal(t, c.field, verr.Problems[0].Field)
			msg := verr.Error()
			assert.Contains(t, msg, c.kind+" \""+name+"\": ", "names the component")
			assert.Contains(t, msg, c.field+": ", "names the field")
			assert.Contains(t, msg, c.advice, "gives the fix")
			assert.Contains(t, runErr.Error(), c.advice, "pulumi.RunErr surfaces the advice")
		})
	}
}

// TestValidArgumentsRegister is the corpus's control: the same recorder
// counts resources for the valid bases, so zero above really means none.
func TestValidArgumentsRegister(t *testing.T) {
	for _, tc := range []struct {
		desc string
		call func(ctx *pulumi.Context) error
		min  int
	}{
		{"DatabaseCluster", func(ctx *pulumi.Context) error {
			_, err := components.NewDatabaseCluster(ctx, "db", baseDB())
			return err
		}, 5},
		{"LocalVolumePool", func(ctx *pulumi.Context) error {
			_, err := components.NewLocalVolumePool(ctx, "disks", basePool())
			return err
		}, 5},
		{"HeadlessNetwork", func(ctx *pulumi.Context) error {
			_, err := components.NewHeadlessNetwork(ctx, "net", baseNet())
			return err
		}, 2},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			rec, err := runMocked(tc.call)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, rec.count(), tc.min)
			var component bool
			for _, r := range rec.sorted() {
				component = component || (!r.Custom && r.Type == "ordinal:index:"+tc.desc)
			}
			assert.True(t, component, "the component itself is registered")
		})
	}
}
