package cluster_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

// fieldProblem is one expected problem: its field path and words of its
// message that say what is wrong and how to fix it.
type fieldProblem struct{ Field, Contains string }

func pool(t *testing.T, spec localpv.Spec) *localpv.Plan {
	t.Helper()
	p, err := localpv.New("local", spec)
	require.NoError(t, err)
	return p
}

func downward(items ...corev1.DownwardAPIVolumeFile) []corev1.VolumeProjection {
	return []corev1.VolumeProjection{{DownwardAPI: &corev1.DownwardAPIProjection{Items: items}}}
}

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		want []fieldProblem
	}{
		{"My_DB", []fieldProblem{{"name", "must be a lower-case RFC 1123 label"}}},
		{"db.prod", []fieldProblem{{"name", "must be a lower-case RFC 1123 label"}}},
		{"", []fieldProblem{{"name", `required: set a lower-case RFC 1123 name such as "db"`}}},
		{strings.Repeat("d", 53), []fieldProblem{{"name", "must be at most 52 characters (the StatefulSet controller appends a revision hash to it in a 63-character label); use a shorter name"}}},
		{strings.Repeat("d", 64), []fieldProblem{{"name", "must be no more than 63 characters"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			s.Network.ServiceName = "db"
			// The app name defaults to the name: one problem, not two.
			p, err := cluster.New(tt.name, s, cluster.Options{})
			assert.Nil(t, p)
			validationtest.Assert(t, err, cluster.Kind, tt.want)
		})
	}
	_, err := cluster.New(strings.Repeat("d", 52), dbSpec(), cluster.Options{})
	assert.NoError(t, err, "52 characters is the limit")
}

func TestValidate(t *testing.T) {
	one, two, four := intstr.FromInt32(1), intstr.FromInt32(2), intstr.FromInt32(4)
	tooMuch := intstr.FromString("150%")
	notPct := intstr.FromString("half")
	tests := []struct {
		name string
		edit func(s *cluster.Spec)
		opts func(t *testing.T) cluster.Options
		want []fieldProblem
	}{
		// Workload.
		{name: "replicas < 1", edit: func(s *cluster.Spec) { s.Replicas = 0 },
			want: []fieldProblem{{"spec.replicas", "must be >= 1, got 0"}}},
		{name: "negative ordinal start", edit: func(s *cluster.Spec) { s.OrdinalStart = -1 },
			want: []fieldProblem{{"spec.ordinalStart", "must be >= 0"}}},
		{name: "pod management policy", edit: func(s *cluster.Spec) { s.PodManagementPolicy = "Random" },
			want: []fieldProblem{{"spec.podManagementPolicy", `use one of "OrderedReady", "Parallel"`}}},
		{name: "partition > replicas", edit: func(s *cluster.Spec) { s.UpdateStrategy.Partition = 4 },
			want: []fieldProblem{{"spec.updateStrategy.partition", "must be <= replicas (3): pods with an ordinal index >= partition are updated; use 3 to hold every pod, got 4"}}},
		{name: "negative partition", edit: func(s *cluster.Spec) { s.UpdateStrategy.Partition = -1 },
			want: []fieldProblem{{"spec.updateStrategy.partition", "must be >= 0"}}},
		{name: "partition with OnDelete", edit: func(s *cluster.Spec) {
			s.UpdateStrategy = cluster.UpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType, Partition: 1, MaxUnavailable: &one}
		}, want: []fieldProblem{
			{"spec.updateStrategy.partition", "partition only applies to type RollingUpdate; remove it or change type"},
			{"spec.updateStrategy.maxUnavailable", "maxUnavailable only applies to type RollingUpdate"},
		}},
		{name: "update strategy type", edit: func(s *cluster.Spec) { s.UpdateStrategy.Type = "Recreate" },
			want: []fieldProblem{{"spec.updateStrategy.type", `use one of "OnDelete", "RollingUpdate"`}}},
		{name: "maxUnavailable above replicas", edit: func(s *cluster.Spec) { s.UpdateStrategy.MaxUnavailable = &four },
			want: []fieldProblem{{"spec.updateStrategy.maxUnavailable", "must be between 1 and replicas (3)"}}},
		{name: "maxUnavailable above 100%", edit: func(s *cluster.Spec) { s.UpdateStrategy.MaxUnavailable = &tooMuch },
			want: []fieldProblem{{"spec.updateStrategy.maxUnavailable", `must be at most "100%"`}}},
		{name: "maxUnavailable not a percentage", edit: func(s *cluster.Spec) { s.UpdateStrategy.MaxUnavailable = &notPct },
			want: []fieldProblem{{"spec.updateStrategy.maxUnavailable", `must be an integer or a percentage such as "50%"`}}},
		{name: "claim retention", edit: func(s *cluster.Spec) { s.ClaimRetention.WhenScaled = "Keep" },
			want: []fieldProblem{{"spec.claimRetention.whenScaled", `use one of "Delete", "Retain"`}}},
		{name: "negative durations", edit: func(s *cluster.Spec) {
			s.MinReadySeconds = -1
			s.RevisionHistoryLimit = new(int32(-1))
			s.TerminationGracePeriodSeconds = new(int64(-1))
		}, want: []fieldProblem{
			{"spec.minReadySeconds", "must be >= 0"},
			{"spec.revisionHistoryLimit", "must be >= 0"},
			{"spec.terminationGracePeriodSeconds", "must be >= 0"},
		}},
		{name: "object references", edit: func(s *cluster.Spec) {
			s.ServiceAccountName = "DB"
			s.PriorityClassName = "High_Priority"
			s.ImagePullSecrets = []string{"ok", "Not OK"}
		}, want: []fieldProblem{
			{"spec.serviceAccountName", "RFC 1123 subdomain"},
			{"spec.priorityClassName", "RFC 1123 subdomain"},
			{"spec.imagePullSecrets[1]", "RFC 1123 subdomain"},
		}},

		// Ports and network.
		{name: "duplicate port number", edit: func(s *cluster.Spec) { s.Ports[1].Port = 26257 },
			want: []fieldProblem{{"spec.ports[1].port", "ports[0] already listens on 26257/TCP; use another number"}}},
		{name: "duplicate port name", edit: func(s *cluster.Spec) { s.Ports[1].Name = "grpc" },
			want: []fieldProblem{
				{"spec.ports[1].name", "ports[0] already uses this name; give each port a unique name"},
				{"spec.containers[0].readinessProbe.httpGet.port", `names no declared port; use one of "grpc"`},
			}},
		{name: "no ports", edit: func(s *cluster.Spec) { s.Ports = nil; s.Containers[0].ReadinessProbe = nil },
			want: []fieldProblem{{"spec.ports", "declare at least one named port"}}},
		{name: "service name", edit: func(s *cluster.Spec) { s.Network.ServiceName = "DB" },
			want: []fieldProblem{{"spec.network.serviceName", "lower-case RFC 1123 label"}}},
		{name: "cluster domain", edit: func(s *cluster.Spec) { s.Network.ClusterDomain = "-bad-" },
			want: []fieldProblem{{"spec.network.clusterDomain", `must be a DNS domain such as "cluster.local"`}}},
		{name: "client service", edit: func(s *cluster.Spec) {
			s.Network.Client = &network.ClientService{Name: "db", Ports: []string{"sql"}}
		}, want: []fieldProblem{
			{"spec.network.client.name", "must differ from the governing Service's name"},
			{"spec.network.client.ports[0]", "names no declared port"},
			{"spec.network.client.ports", "the client Service has no port"},
		}},

		// Containers.
		{name: "no containers", edit: func(s *cluster.Spec) { s.Containers = nil; s.Claims = nil },
			want: []fieldProblem{{"spec.containers", `add the database container, e.g. {Name: "db", Image: "postgres:17"}`}}},
		{name: "missing image", edit: func(s *cluster.Spec) { s.Containers[0].Image = "" },
			want: []fieldProblem{{"spec.containers[0].image", `set the image of container "db", or pass it to the component as an input`}}},
		{name: "malformed images", edit: func(s *cluster.Spec) {
			s.Containers[0].Image = "zookeeper :3.8"
			s.InitContainers = []corev1.Container{{Name: "prep", Image: "Busybox:1"}}
			s.Init = &cluster.InitJob{Command: []string{"init"}, Image: "busybox:"}
		}, want: []fieldProblem{
			{"spec.containers[0].image", "remove the blanks"},
			{"spec.initContainers[0].image", "write the repository in lower case"},
			{"spec.init.image", "give the tag after ':'"},
		}},
		{name: "container name", edit: func(s *cluster.Spec) {
			s.Containers[0].Name = "DB"
			s.Claims[0].Containers = []string{"DB"}
		}, want: []fieldProblem{
			{"spec.containers[0].name", "lower-case RFC 1123 label"},
		}},
		{name: "duplicate container names", edit: func(s *cluster.Spec) {
			s.Containers = append(s.Containers, corev1.Container{Name: "db", Image: "x"})
			s.InitContainers = []corev1.Container{{Name: "db", Image: "x"}}
		}, want: []fieldProblem{
			{"spec.containers[1].name", "spec.containers[0] already uses this name; give each container a unique name"},
			{"spec.initContainers[0].name", "spec.containers[0] already uses this name"},
		}},
		{name: "duplicate init container names", edit: func(s *cluster.Spec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "x"}, {Name: "migrate", Image: "x"}, {Name: "migrate", Image: "x"}}
		}, want: []fieldProblem{
			{"spec.initContainers[2].name", "spec.initContainers[1] already uses this name; give each container a unique name"},
		}},
		{name: "duplicate container port name", edit: func(s *cluster.Spec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{Name: "grpc", ContainerPort: 1234}}
		}, want: []fieldProblem{{"spec.containers[0].ports[0].name", "this port name is already declared with another number; rename it"}}},
		{name: "container port number", edit: func(s *cluster.Spec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{Name: "metrics", ContainerPort: 0}}
		}, want: []fieldProblem{{"spec.containers[0].ports[0].containerPort", "must be between 1 and 65535"}}},
		{name: "probe port naming no declared port", edit: func(s *cluster.Spec) {
			s.Containers[0].ReadinessProbe.HTTPGet.Port = intstr.FromString("admin")
			s.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("sql")}}}
		}, want: []fieldProblem{
			{"spec.containers[0].readinessProbe.httpGet.port", `names no declared port; use one of "grpc", "http", got "admin"`},
			{"spec.containers[0].livenessProbe.tcpSocket.port", `names no declared port; use one of "grpc", "http"`},
		}},
		{name: "probe on a sidecar sees its own ports only", edit: func(s *cluster.Spec) {
			s.Containers = append(s.Containers, corev1.Container{Name: "exporter", Image: "x",
				Ports:          []corev1.ContainerPort{{Name: "metrics", ContainerPort: 9100}},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromString("http")}}},
			})
		}, want: []fieldProblem{{"spec.containers[1].readinessProbe.httpGet.port", `use one of "metrics"`}}},
		{name: "probe handlers", edit: func(s *cluster.Spec) {
			s.Containers[0].ReadinessProbe = &corev1.Probe{}
			s.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{}}, PeriodSeconds: -1}
			s.Containers[0].StartupProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromInt32(0)}}}
		}, want: []fieldProblem{
			{"spec.containers[0].readinessProbe", "set one handler: exec, httpGet, tcpSocket or grpc"},
			{"spec.containers[0].livenessProbe.exec.command", "give the command to run"},
			{"spec.containers[0].livenessProbe.periodSeconds", "must be >= 0"},
			{"spec.containers[0].startupProbe.httpGet.port", "must be between 1 and 65535"},
		}},
		{name: "init container probes", edit: func(s *cluster.Spec) {
			s.InitContainers = []corev1.Container{{Name: "setup", Image: "x", ReadinessProbe: &corev1.Probe{}}}
		}, want: []fieldProblem{{"spec.initContainers[0].readinessProbe", "init containers cannot have readiness or liveness probes unless they are sidecars (restartPolicy: Always)"}}},
		{name: "resources", edit: func(s *cluster.Spec) {
			s.Containers[0].Resources = corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("2Gi"), corev1.ResourceCPU: resource.MustParse("-1")},
				Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")},
			}
		}, want: []fieldProblem{
			{"spec.containers[0].resources.requests[cpu]", "must not be negative"},
			{"spec.containers[0].resources.requests[memory]", "must be <= the limit 1Gi; raise the limit or lower the request"},
		}},
		{name: "env", edit: func(s *cluster.Spec) {
			s.Containers[0].Env = []corev1.EnvVar{
				{Name: "A", Value: "1"},
				{Name: "A", Value: "2"},
				{Value: "x"},
				{Name: "B", Value: "x", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
			}
		}, want: []fieldProblem{
			{"spec.containers[0].env[1].name", "this variable is already set; remove one"},
			{"spec.containers[0].env[2].name", "name the variable"},
			{"spec.containers[0].env[3]", "set value or valueFrom, not both"},
		}},
		{name: "env refs to missing generated keys", edit: func(s *cluster.Spec) {
			s.Config = &cluster.Config{Data: map[string]string{"cache": ".25"}}
			s.Containers[0].Env = []corev1.EnvVar{
				cluster.ConfigEnv("CACHE", "cache"),
				cluster.ConfigEnv("MEMORY", "max-sql-memory"),
				cluster.SecretEnv("PASSWORD", "passwd"),
			}
		}, opts: func(*testing.T) cluster.Options { return cluster.Options{SecretKeys: []string{"password"}} }, want: []fieldProblem{
			{"spec.containers[0].env[1].valueFrom.configMapKeyRef.key", `is not a key of spec.config.data; add it there or fix the key, got "max-sql-memory"`},
			{"spec.containers[0].env[2].valueFrom.secretKeyRef.key", "is not a key of the secret data given to the component; add it or fix the key"},
		}},
		{name: "env refs without generated objects", edit: func(s *cluster.Spec) {
			s.Containers[0].Env = []corev1.EnvVar{cluster.ConfigEnv("CACHE", "cache"), cluster.SecretEnv("PASSWORD", "password")}
			s.Containers[0].EnvFrom = []corev1.EnvFromSource{
				{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedConfigMap}}},
				{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedSecret}}},
			}
		}, want: []fieldProblem{
			{"spec.containers[0].env[0].valueFrom.configMapKeyRef.key", "is not a key of spec.config.data"},
			{"spec.containers[0].env[1].valueFrom.secretKeyRef.key", "is not a key of the secret data"},
			{"spec.containers[0].envFrom[0].configMapRef.name", "refers to the generated ConfigMap, but spec.config.data is empty; add data"},
			{"spec.containers[0].envFrom[1].secretRef.name", "refers to the generated Secret, but the component was given no secret data"},
		}},
		{name: "env resourceFieldRef for an unknown container", edit: func(s *cluster.Spec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "CPU", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "sidecar", Resource: "limits.cpu"}}}}
		}, want: []fieldProblem{{"spec.containers[0].env[0].valueFrom.resourceFieldRef.containerName", `names no container of the pod, got "sidecar"`}}},
		{name: "deploy-time image for an unknown container", opts: func(*testing.T) cluster.Options {
			return cluster.Options{DeployTimeImages: []string{"dbb"}}
		}, want: []fieldProblem{{"images[dbb]", `names no container; use the name of a container, an init container, or "init" for the init Job`}}},

		// Volumes and mounts.
		{name: "duplicate mount paths", edit: func(s *cluster.Spec) {
			s.Volumes = []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{
				{Name: "scratch", MountPath: "/tmp"},
				{Name: "scratch", MountPath: "/tmp/"},
				{Name: "scratch", MountPath: "/cockroach/cockroach-data"},
			}
			s.Config = &cluster.Config{Data: map[string]string{"a": "b"}, MountPath: "/cockroach/cockroach-data"}
		}, want: []fieldProblem{
			{"spec.containers[0].volumeMounts[1].mountPath", `volume "scratch" is already mounted at this path in container "db"; use another path`},
			{"spec.claims[0].mountPath", `volume "scratch" is already mounted at this path`},
			{"spec.config.mountPath", `volume "scratch" is already mounted at this path`},
		}},
		{name: "mount of an unknown volume", edit: func(s *cluster.Spec) {
			s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "cache", MountPath: "cache"}}
		}, want: []fieldProblem{
			{"spec.containers[0].volumeMounts[0].name", "names no volume; declare it in spec.volumes or spec.claims"},
			{"spec.containers[0].volumeMounts[0].mountPath", "must be an absolute path"},
		}},
		{name: "duplicate volume names", edit: func(s *cluster.Spec) {
			empty := corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
			s.Volumes = []corev1.Volume{{Name: "scratch", VolumeSource: empty}, {Name: "scratch", VolumeSource: empty}, {Name: "data", VolumeSource: empty}, {Name: "config", VolumeSource: empty}, {Name: "Bad"}}
			s.Config = &cluster.Config{Data: map[string]string{"a": "b"}}
		}, want: []fieldProblem{
			{"spec.volumes[1].name", "spec.volumes[0] already uses this name"},
			{"spec.volumes[2].name", "a claim already uses this name; rename the volume"},
			{"spec.volumes[3].name", "the config volume uses this name; rename the volume or set spec.config.volumeName"},
			{"spec.volumes[4].name", "lower-case RFC 1123 label"},
		}},
		{name: "config volume named like a claim", edit: func(s *cluster.Spec) {
			s.Config = &cluster.Config{Data: map[string]string{"a": "b"}, VolumeName: "data", MountPath: "/etc/db"}
		}, want: []fieldProblem{{"spec.config.volumeName", "a claim already uses this name; set another volumeName"}}},

		// Claims.
		{name: "bad quantity", edit: func(s *cluster.Spec) { s.Claims[0].Size = "10 gigs" },
			want: []fieldProblem{{"spec.claims[0].size", `must be a Kubernetes quantity such as "10Gi" or "500Mi", got "10 gigs"`}}},
		{name: "missing size", edit: func(s *cluster.Spec) { s.Claims[0].Size = "" },
			want: []fieldProblem{{"spec.claims[0].size", `set a size such as "10Gi"`}}},
		{name: "duplicate claim names", edit: func(s *cluster.Spec) {
			s.Claims = append(s.Claims, cluster.Claim{Name: "data", Size: "1Gi", MountPath: "/other"})
		}, want: []fieldProblem{{"spec.claims[1].name", "spec.claims[0] already uses this name"}}},
		{name: "claim name", edit: func(s *cluster.Spec) { s.Claims[0].Name = "Data" },
			want: []fieldProblem{{"spec.claims[0].name", "lower-case RFC 1123 label"}}},
		{name: "claim paths", edit: func(s *cluster.Spec) {
			s.Claims = []cluster.Claim{
				{Name: "a", Size: "1Gi"},
				{Name: "b", Size: "1Gi", MountPath: "rel", DevicePath: "/dev/x"},
				{Name: "c", Size: "1Gi", VolumeMode: corev1.PersistentVolumeBlock, MountPath: "/c"},
				{Name: "d", Size: "1Gi", VolumeMode: "Raw", MountPath: "/d"},
			}
		}, want: []fieldProblem{
			{"spec.claims[0].mountPath", `set where the containers mount the claim, e.g. "/var/lib/data"`},
			{"spec.claims[1].mountPath", "must be an absolute path"},
			{"spec.claims[1].devicePath", "devicePath applies to volumeMode Block; use mountPath"},
			{"spec.claims[2].devicePath", `set the device path of the Block claim, e.g. "/dev/xvda"`},
			{"spec.claims[2].mountPath", "a Block claim is not mounted; use devicePath"},
			{"spec.claims[3].volumeMode", `use one of "Block", "Filesystem"`},
		}},
		{name: "claim details", edit: func(s *cluster.Spec) {
			s.Claims[0].Containers = []string{"sidecar"}
			s.Claims[0].AccessModes = []corev1.PersistentVolumeAccessMode{"ReadWriteAll"}
			s.Claims[0].StorageClassName = "Fast_SSD"
		}, want: []fieldProblem{
			{"spec.claims[0].containers[0]", "names no container in spec.containers"},
			{"spec.claims[0].accessModes[0]", "use one of"},
			{"spec.claims[0].storageClassName", "RFC 1123 subdomain"},
		}},
		{name: "pool capacity smaller than claim size", opts: func(t *testing.T) cluster.Options {
			return cluster.Options{Pool: pool(t, localpv.Spec{Nodes: []string{"node-0", "node-1", "node-2"}, Path: "/mnt/ssd", Capacity: "5Gi"})}
		}, want: []fieldProblem{{"spec.claims[0].size", `the LocalVolumePool "local" has 0 volume(s) of at least this size, but 3 replicas need one each; add volumes to the pool, or lower the size or the replicas`}}},
		{name: "pool with fewer volumes than replicas", opts: func(t *testing.T) cluster.Options {
			return cluster.Options{Pool: pool(t, localpv.Spec{Nodes: []string{"node-0", "node-1"}, Path: "/mnt/ssd", Capacity: "100Gi"})}
		}, want: []fieldProblem{{"spec.claims[0].size", `the LocalVolumePool "local" has 2 volume(s) of at least this size, but 3 replicas need one each`}}},
		{name: "hard anti-affinity vs pool with fewer nodes", edit: func(s *cluster.Spec) {
			s.Scheduling.AntiAffinity = cluster.AntiAffinityHard
		}, opts: func(t *testing.T) cluster.Options {
			return cluster.Options{Pool: pool(t, localpv.Spec{Capacity: "100Gi", Volumes: []localpv.Volume{
				{Node: "node-0", Path: "/mnt/a"}, {Node: "node-0", Path: "/mnt/b"}, {Node: "node-1", Path: "/mnt/a"},
			}})}
		}, want: []fieldProblem{{"spec.scheduling.antiAffinity", `requires one node per pod, but the LocalVolumePool "local" has fitting volumes on only 2 node(s) for 3 replicas; add nodes to the pool, use "soft", or lower the replicas`}}},
		{name: "two claims on a pool need two volumes per pod", edit: func(s *cluster.Spec) {
			s.Claims = append(s.Claims, cluster.Claim{Name: "wal", Size: "1Gi", MountPath: "/wal"})
		}, opts: func(t *testing.T) cluster.Options {
			return cluster.Options{Pool: pool(t, localpv.Spec{Capacity: "100Gi", Volumes: []localpv.Volume{
				{Node: "node-0", Path: "/mnt/a"}, {Node: "node-1", Path: "/mnt/a"}, {Node: "node-2", Path: "/mnt/a"}, {Node: "node-2", Path: "/mnt/b"},
			}})}
		}, want: []fieldProblem{{"spec.claims", `claims on the LocalVolumePool "local" need 6 volumes (2 per pod), but the pool has 4; add volumes to the pool`}}},

		// Projected config.
		{name: "empty config", edit: func(s *cluster.Spec) { s.Config = &cluster.Config{} },
			want: []fieldProblem{{"spec.config", "the config directory is empty: add data, secret data or sources, or remove spec.config"}}},
		{name: "config settings", edit: func(s *cluster.Spec) {
			s.Config = &cluster.Config{
				Data:        map[string]string{"a": "b", "bad key": "x"},
				MountPath:   "etc/db",
				VolumeName:  "Config",
				DefaultMode: new(int32(0o1777)),
				SecretMode:  new(int32(-1)),
				Containers:  []string{"sidecar"},
			}
		}, want: []fieldProblem{
			{"spec.config.mountPath", `must be an absolute path such as "/etc/ordinal"`},
			{"spec.config.volumeName", "lower-case RFC 1123 label"},
			{"spec.config.defaultMode", `must be a file mode between 0000 and 0777, e.g. 0400, got "01777"`},
			{"spec.config.secretMode", "must be a file mode between 0000 and 0777"},
			{"spec.config.containers[0]", "names no container in spec.containers"},
			{"spec.config.data[bad key]", "must be a ConfigMap key"},
		}},
		{name: "projected path used twice", edit: func(s *cluster.Spec) {
			s.Config = &cluster.Config{
				Data: map[string]string{"labels": "x"},
				Sources: downward(
					corev1.DownwardAPIVolumeFile{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
				),
			}
		}, want: []fieldProblem{{"spec.config.sources[0].downwardAPI.items[0].path", `duplicate value "labels": spec.config.data[labels] already projects a file at this path; choose another path`}}},
		{name: "secret key collides with data key", edit: func(s *cluster.Spec) {
			s.Config = &cluster.Config{Data: map[string]string{"tls.key": "x"}}
		}, opts: func(*testing.T) cluster.Options { return cluster.Options{SecretKeys: []string{"tls.key"}} },
			want: []fieldProblem{{"secretData[tls.key]", "spec.config.data[tls.key] already projects a file at this path"}}},
		{name: "projected file vs directory", edit: func(s *cluster.Spec) {
			s.Config = &cluster.Config{Sources: downward(
				corev1.DownwardAPIVolumeFile{Path: "pod/labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
				corev1.DownwardAPIVolumeFile{Path: "pod/annotations", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.annotations"}},
				corev1.DownwardAPIVolumeFile{Path: "pod", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}},
				corev1.DownwardAPIVolumeFile{Path: "pod/labels/app", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}},
			)}
		}, want: []fieldProblem{
			{"spec.config.sources[0].downwardAPI.items[2].path", `collides with "pod/annotations" from spec.config.sources[0].downwardAPI.items[1].path: one file cannot be another's directory`},
			{"spec.config.sources[0].downwardAPI.items[3].path", `collides with "pod/labels" from spec.config.sources[0].downwardAPI.items[0].path`},
		}},
		{name: "absolute and .. projected paths", edit: func(s *cluster.Spec) {
			s.Config = &cluster.Config{Sources: []corev1.VolumeProjection{
				{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "db-tls"}, Items: []corev1.KeyToPath{
					{Key: "ca.crt", Path: "/etc/ssl/ca.crt"},
					{Key: "tls.crt", Path: "../tls.crt"},
					{Key: "tls.key", Path: "certs/../../tls.key"},
					{Key: "x", Path: "..x"},
					{Key: "y", Path: "certs//y"},
					{Key: "z"},
				}}},
			}}
		}, want: []fieldProblem{
			{"spec.config.sources[0].secret.items[0].path", `must be relative to the config directory; remove the leading "/"`},
			{"spec.config.sources[0].secret.items[1].path", `must not contain ".."; projected files stay inside the config directory`},
			{"spec.config.sources[0].secret.items[2].path", `must not contain ".."`},
			{"spec.config.sources[0].secret.items[3].path", `must be a clean relative path (no ".", ".." prefix, trailing or doubled slashes)`},
			{"spec.config.sources[0].secret.items[4].path", "must be a clean relative path"},
			{"spec.config.sources[0].secret.items[5].path", `give the file's path relative to the config directory, e.g. "my-group/my-config"`},
		}},
		{name: "resourceFieldRef for an unknown container", edit: func(s *cluster.Spec) {
			s.Config = &cluster.Config{Sources: downward(
				corev1.DownwardAPIVolumeFile{Path: "cpu", ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "sidecar", Resource: "limits.cpu"}},
				corev1.DownwardAPIVolumeFile{Path: "mem", ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.gpu"}},
			)}
		}, want: []fieldProblem{
			{"spec.config.sources[0].downwardAPI.items[0].resourceFieldRef.containerName", `names no container in spec.containers, got "sidecar"`},
			{"spec.config.sources[0].downwardAPI.items[1].resourceFieldRef.containerName", "name the container whose resources to expose"},
			{"spec.config.sources[0].downwardAPI.items[1].resourceFieldRef.resource", "use one of limits.cpu, limits.memory"},
		}},
		{name: "downward API fields", edit: func(s *cluster.Spec) {
			s.Config = &cluster.Config{Sources: downward(
				corev1.DownwardAPIVolumeFile{Path: "ok", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels['app.kubernetes.io/instance']"}},
				corev1.DownwardAPIVolumeFile{Path: "ip", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}},
				corev1.DownwardAPIVolumeFile{Path: "none"},
				corev1.DownwardAPIVolumeFile{Path: "both", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}, ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: "db", Resource: "limits.cpu"}},
			)}
		}, want: []fieldProblem{
			{"spec.config.sources[0].downwardAPI.items[1].fieldRef.fieldPath", "a projected volume supports metadata.name, metadata.namespace, metadata.uid, metadata.labels, metadata.annotations"},
			{"spec.config.sources[0].downwardAPI.items[2]", "set fieldRef (e.g. metadata.labels) or resourceFieldRef (e.g. limits.cpu)"},
			{"spec.config.sources[0].downwardAPI.items[3]", "set fieldRef or resourceFieldRef, not both"},
		}},
		{name: "projection sources", edit: func(s *cluster.Spec) {
			s.Config = &cluster.Config{Data: map[string]string{"a.conf": "x"}, Sources: []corev1.VolumeProjection{
				{},
				{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedConfigMap}, Items: []corev1.KeyToPath{{Key: "b.conf", Path: "b"}, {Path: "c"}}}},
				{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: cluster.GeneratedSecret}}},
				{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "Other_CM"}}},
			}}
		}, want: []fieldProblem{
			{"spec.config.sources[0]", "each source must set exactly one of configMap, secret, downwardAPI, serviceAccountToken, clusterTrustBundle"},
			{"spec.config.sources[1].configMap.items[0].key", "is not a key of the generated data; add it or fix the key"},
			{"spec.config.sources[1].configMap.items[1].key", "name the key to project"},
			{"spec.config.sources[2].secret.name", "refers to generated data, but none was given"},
			{"spec.config.sources[3].configMap.name", "RFC 1123 subdomain"},
		}},

		// Disruption budget.
		{name: "PDB minAvailable > replicas", edit: func(s *cluster.Spec) { s.Disruption = &cluster.Disruption{MinAvailable: &four} },
			want: []fieldProblem{{"spec.disruption.minAvailable", "must be between 0 and replicas (3), got 4"}}},
		{name: "PDB minAvailable and maxUnavailable both set", edit: func(s *cluster.Spec) {
			s.Disruption = &cluster.Disruption{MinAvailable: &two, MaxUnavailable: &one}
		}, want: []fieldProblem{{"spec.disruption", "set minAvailable or maxUnavailable, not both"}}},
		{name: "PDB maxUnavailable percent", edit: func(s *cluster.Spec) { s.Disruption = &cluster.Disruption{MaxUnavailable: &tooMuch} },
			want: []fieldProblem{{"spec.disruption.maxUnavailable", `must be at most "100%"`}}},
		{name: "PDB eviction policy", edit: func(s *cluster.Spec) {
			s.Disruption = &cluster.Disruption{UnhealthyPodEvictionPolicy: new(policyv1.UnhealthyPodEvictionPolicyType("Never"))}
		}, want: []fieldProblem{{"spec.disruption.unhealthyPodEvictionPolicy", `use one of "AlwaysAllow", "IfHealthyBudget"`}}},

		// Scheduling, security, metadata.
		{name: "scheduling presets", edit: func(s *cluster.Spec) {
			s.Scheduling = cluster.Scheduling{AntiAffinity: "always", ZoneSpread: "even", AntiAffinityTopologyKey: "bad key", NodeSelector: map[string]string{"disk": "fast ssd"}}
		}, want: []fieldProblem{
			{"spec.scheduling.antiAffinity", `use one of "hard", "none", "soft"`},
			{"spec.scheduling.zoneSpread", `use one of "hard", "soft"`},
			{"spec.scheduling.antiAffinityTopologyKey", "must be a node label key"},
			{"spec.scheduling.nodeSelector[disk]", "label value"},
		}},
		{name: "tolerations", edit: func(s *cluster.Spec) {
			s.Scheduling.Tolerations = []corev1.Toleration{
				{Key: "dedicated", Operator: corev1.TolerationOpExists, Value: "db"},
				{Key: "x", Operator: "In"},
				{Value: "y"},
			}
		}, want: []fieldProblem{
			{"spec.scheduling.tolerations[0].value", "must be empty when operator is Exists"},
			{"spec.scheduling.tolerations[1].operator", `use one of "Equal", "Exists"`},
			{"spec.scheduling.tolerations[2].operator", "an empty key needs operator Exists"},
		}},
		{name: "restricted profile with root", edit: func(s *cluster.Spec) { s.Security.RunAsUser = new(int64(0)) },
			want: []fieldProblem{{"spec.security.runAsUser", `the restricted profile runs as non-root; use a non-zero id such as 1000, or set profile "none"`}}},
		{name: "security profile", edit: func(s *cluster.Spec) { s.Security.Profile = "privileged" },
			want: []fieldProblem{{"spec.security.profile", `use one of "none", "restricted"`}}},
		{name: "selector labels cannot be overridden", edit: func(s *cluster.Spec) {
			s.Labels = map[string]string{"app.kubernetes.io/instance": "other"}
			s.PodLabels = map[string]string{"app.kubernetes.io/component": "web"}
		}, want: []fieldProblem{
			{"spec.labels[app.kubernetes.io/instance]", "this label selects the cluster's pods and is set by ordinal; remove it"},
			{"spec.podLabels[app.kubernetes.io/component]", "this label selects the cluster's pods"},
		}},
		{name: "label and annotation syntax", edit: func(s *cluster.Spec) {
			s.Labels = map[string]string{"team": "data team"}
			s.PodAnnotations = map[string]string{"bad/key/x": "1"}
		}, want: []fieldProblem{
			{"spec.labels[team]", "label value"},
			{"spec.podAnnotations[bad/key/x]", "annotation key"},
		}},
		{name: "recommended label values", edit: func(s *cluster.Spec) {
			s.AppName, s.Version, s.PartOf = "Cockroach DB", "v24.1.0+build.7", "-shop"
		}, want: []fieldProblem{
			{"spec.appName", "becomes the label app.kubernetes.io/name and must be a label value"},
			{"spec.version", "becomes the label app.kubernetes.io/version"},
			{"spec.partOf", "becomes the label app.kubernetes.io/part-of"},
		}},

		// Init Job.
		{name: "init job", edit: func(s *cluster.Spec) {
			s.Init = &cluster.InitJob{BackoffLimit: new(int32(-1)), ActiveDeadlineSeconds: new(int64(0)), Env: []corev1.EnvVar{cluster.SecretEnv("P", "p")}}
		}, want: []fieldProblem{
			{"spec.init.command", `give the bootstrap command, e.g. ["cockroach", "init", "--host=db-0.db"]`},
			{"spec.init.backoffLimit", "must be >= 0"},
			{"spec.init.activeDeadlineSeconds", "must be > 0"},
			{"spec.init.env[0].valueFrom.secretKeyRef.key", "is not a key of the secret data"},
		}},
		{name: "init job without any image", edit: func(s *cluster.Spec) {
			s.Containers[0].Image = ""
			s.Init = &cluster.InitJob{Command: []string{"init"}}
		}, want: []fieldProblem{
			{"spec.containers[0].image", "set the image of container"},
			{"spec.init.image", "set the init Job's image (it defaults to the first container's image, which is not set either)"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			if tt.edit != nil {
				tt.edit(&s)
			}
			var opts cluster.Options
			if tt.opts != nil {
				opts = tt.opts(t)
			}
			p, err := cluster.New("db", s, opts)
			assert.Nil(t, p, "nothing is planned from an invalid spec")
			validationtest.Assert(t, err, cluster.Kind, tt.want)
		})
	}
}

func TestValidateAcceptsDeployTimeValues(t *testing.T) {
	s := dbSpec()
	s.Containers[0].Image = ""
	s.Init = &cluster.InitJob{Command: []string{"init"}}
	_, err := cluster.New("db", s, cluster.Options{DeployTimeImages: []string{"db"}})
	assert.NoError(t, err, "an image supplied at deploy time may be empty in the spec")

	s.Containers[0].Image = "db:1"
	_, err = cluster.New("db", s, cluster.Options{DeployTimeImages: []string{cluster.InitContainerName}})
	assert.NoError(t, err, `"init" names the init Job's container`)
}

func TestValidateReportsEverythingAtOnce(t *testing.T) {
	s := dbSpec()
	s.Replicas = 0
	s.Ports[1].Name = "grpc"
	s.Containers[0].Image = ""
	s.Containers[0].ReadinessProbe = nil
	s.Claims[0].Size = "lots"
	s.Config = &cluster.Config{Sources: downward(corev1.DownwardAPIVolumeFile{Path: "/abs", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}})}
	s.Disruption = &cluster.Disruption{MinAvailable: new(intstr.FromInt32(1)), MaxUnavailable: new(intstr.FromInt32(1))}
	s.Security.Profile = "strict"
	s.Network.ServiceName = "db"

	_, err := cluster.New("Bad", s, cluster.Options{})
	validationtest.Assert(t, err, cluster.Kind, []fieldProblem{
		{"name", "RFC 1123"},
		{"spec.replicas", ">= 1"},
		{"spec.ports[1].name", "unique name"},
		{"spec.containers[0].image", "set the image"},
		{"spec.claims[0].size", "quantity"},
		{"spec.config.sources[0].downwardAPI.items[0].path", "relative"},
		{"spec.disruption", "not both"},
		{"spec.disruption.minAvailable", "between 0 and replicas (0)"},
		{"spec.disruption.maxUnavailable", "between 0 and replicas (0)"},
		{"spec.security.profile", "use one of"},
	})
	assert.True(t, strings.HasPrefix(err.Error(), `DatabaseCluster "Bad": 10 invalid arguments:`+"\n  - name: "), err.Error())
}

func TestValidateIsDeterministic(t *testing.T) {
	s := dbSpec()
	s.Config = &cluster.Config{
		Data: map[string]string{"z": "1", "y": "2", "x y": "3", "a b": "4"},
		Sources: downward(
			corev1.DownwardAPIVolumeFile{Path: "p/a", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}},
			corev1.DownwardAPIVolumeFile{Path: "p/b", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}},
			corev1.DownwardAPIVolumeFile{Path: "p/c", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}},
			corev1.DownwardAPIVolumeFile{Path: "p", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}},
		),
	}
	s.Labels = map[string]string{"b b": "x", "a a": "y", "c": "bad value"}
	_, first := cluster.New("db", s, cluster.Options{})
	require.Error(t, first)
	for range 20 {
		_, err := cluster.New("db", s, cluster.Options{})
		require.Equal(t, first.Error(), err.Error(), "problems never depend on map order")
	}
}
