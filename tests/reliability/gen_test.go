package reliability

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	appsv1 "k8s.io/api/apps/v1"
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
)

// choices turns fuzzed bytes into a deterministic stream of decisions.
// Once the bytes run out every decision is 0, and option 0 is always the
// plain, valid choice, so short inputs give small valid specs.
type choices struct {
	b []byte
	i int
}

func (c *choices) byte() byte {
	if c.i >= len(c.b) {
		return 0
	}
	v := c.b[c.i]
	c.i++
	return v
}

// intn returns a number in [0, n).
func (c *choices) intn(n int) int {
	if n <= 1 {
		return 0
	}
	return int(c.byte()) % n
}

// flag is true for about one input byte in four.
func (c *choices) flag() bool { return c.byte()%4 == 3 }

// pick returns one of opts.
func pick[T any](c *choices, opts ...T) T { return opts[c.intn(len(opts))] }

// dbInput is what the DatabaseCluster fuzz target receives.
type dbInput struct {
	Name      string
	Replicas  int32
	Port      int32
	Partition int32
	Size      string
	Path      string
	Mode      string
	Data      []byte
}

// dbCase is a generated DatabaseCluster: what PlanDatabaseCluster takes,
// plus the deploy-time values a render needs.
type dbCase struct {
	Name     string
	Args     *components.DatabaseClusterArgs
	Deployed cluster.Deployed
}

// genDatabaseCluster derives component arguments from a fuzz input. It
// builds a fresh value on every call (nothing is shared between calls), so
// two calls with the same input give equal arguments.
func genDatabaseCluster(in dbInput) dbCase {
	c := &choices{b: in.Data}
	mode := in.Mode
	s := cluster.Spec{Replicas: in.Replicas}
	s.OrdinalStart = pick(c, int32(0), 1, 5, -1)
	s.PodManagementPolicy = pick(c, appsv1.PodManagementPolicyType(""), appsv1.ParallelPodManagement, appsv1.OrderedReadyPodManagement, appsv1.PodManagementPolicyType(mode))
	s.UpdateStrategy.Type = pick(c, appsv1.StatefulSetUpdateStrategyType(""), appsv1.RollingUpdateStatefulSetStrategyType, appsv1.OnDeleteStatefulSetStrategyType, appsv1.StatefulSetUpdateStrategyType(mode))
	if c.flag() {
		s.UpdateStrategy.Partition = in.Partition
	}
	switch c.intn(6) {
	case 1:
		s.UpdateStrategy.MaxUnavailable = ios(intstr.FromInt32(in.Partition))
	case 2:
		s.UpdateStrategy.MaxUnavailable = ios(intstr.FromString("50%"))
	case 3:
		s.UpdateStrategy.MaxUnavailable = ios(intstr.FromString(mode))
	}
	s.MinReadySeconds = pick(c, int32(0), 10, -1)
	if c.flag() {
		s.RevisionHistoryLimit = i32(pick(c, int32(3), 0, -1))
	}
	s.ClaimRetention.WhenDeleted = pick(c, appsv1.PersistentVolumeClaimRetentionPolicyType(""), appsv1.DeletePersistentVolumeClaimRetentionPolicyType, appsv1.PersistentVolumeClaimRetentionPolicyType(mode))
	s.ClaimRetention.WhenScaled = pick(c, appsv1.PersistentVolumeClaimRetentionPolicyType(""), appsv1.RetainPersistentVolumeClaimRetentionPolicyType, appsv1.DeletePersistentVolumeClaimRetentionPolicyType)

	// Ports: the first takes the fuzzed number.
	s.Ports = []network.Port{{Name: pick(c, "sql", "grpc", mode), Port: in.Port, Client: true, Peer: true,
		Protocol: pick(c, corev1.Protocol(""), corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.Protocol(mode))}}
	if c.intn(3) > 0 {
		s.Ports = append(s.Ports, network.Port{Name: "http", Port: pick(c, int32(8080), in.Port, 0), Client: c.flag(), AppProtocol: pick(c, "", "http", mode)})
	}
	if c.flag() {
		s.Ports = append(s.Ports, network.Port{Name: "peer", Port: 7000, Peer: true})
	}

	// Network.
	s.Network.ServiceName = pick(c, "", in.Name+"-peers", mode)
	s.Network.ClusterDomain = pick(c, "", "cluster.local", "corp.internal", mode)
	switch c.intn(5) {
	case 1:
		s.Network.Client = &network.ClientService{}
	case 2:
		s.Network.Client = &network.ClientService{Name: pick(c, "", in.Name+"-public", mode), Type: corev1.ServiceTypeNodePort,
			NodePorts: map[string]int32{s.Ports[0].Name: 30000 + in.Port%2768}}
	case 3:
		s.Network.Client = &network.ClientService{Type: corev1.ServiceTypeLoadBalancer, LoadBalancerSourceRanges: []string{pick(c, "10.0.0.0/8", mode)},
			ExternalTrafficPolicy: pick(c, corev1.ServiceExternalTrafficPolicy(""), corev1.ServiceExternalTrafficPolicyLocal, corev1.ServiceExternalTrafficPolicy(mode))}
	case 4:
		s.Network.Client = &network.ClientService{Ports: []string{pick(c, "sql", s.Ports[0].Name, mode)}, Labels: map[string]string{"exposure": pick(c, "internal", mode)}}
		if c.flag() {
			s.Network.Client.Ports = append(s.Network.Client.Ports, pick(c, "http", s.Ports[0].Name))
		}
	}

	// Containers.
	main := corev1.Container{Name: pick(c, "db", "server", mode), Image: pick(c, "postgres:17", "", "registry.example.com/db@sha256:"+strings.Repeat("a", 64))}
	switch c.intn(5) {
	case 1:
		main.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health", Port: intstr.FromString(pick(c, s.Ports[0].Name, "http", mode)),
			Scheme: pick(c, corev1.URIScheme(""), corev1.URISchemeHTTPS, corev1.URIScheme(mode))}},
			PeriodSeconds: pick(c, int32(0), 5, -1), SuccessThreshold: pick(c, int32(0), 3)}
	case 2:
		main.LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(in.Port)}}, SuccessThreshold: pick(c, int32(0), 1, 2)}
		if c.flag() {
			main.LivenessProbe.Exec = &corev1.ExecAction{Command: []string{"true"}}
		}
	case 3:
		main.StartupProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: pick(c, []string{"true"}, nil)}}, FailureThreshold: 30}
	case 4:
		main.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: in.Port}}}
	}
	if c.flag() {
		main.Resources = corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(pick(c, "500m", "2")), corev1.ResourceMemory: resource.MustParse("1Gi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse(pick(c, "2Gi", "512Mi"))},
		}
	}
	if c.flag() {
		main.Env = []corev1.EnvVar{{Name: pick(c, "MODE", mode), Value: pick(c, "cluster", mode)}, cluster.FieldEnv("POD_NAME", "metadata.name")}
	}
	s.Containers = []corev1.Container{main}
	if c.flag() {
		s.Containers = append(s.Containers, corev1.Container{Name: pick(c, "metrics", main.Name, mode), Image: "prom/exporter:1",
			Ports: []corev1.ContainerPort{{Name: pick(c, "metrics", s.Ports[0].Name, mode), ContainerPort: pick(c, int32(9100), in.Port)}}})
	}
	if c.flag() {
		s.InitContainers = []corev1.Container{{Name: pick(c, "prepare", mode), Image: "busybox:1.37", Command: []string{"sh", "-c", "true"}}}
	}

	// Claims: the first takes the fuzzed size and path.
	if c.intn(5) > 0 {
		cl := cluster.Claim{Name: pick(c, "data", "datadir", mode), Size: in.Size, MountPath: in.Path}
		switch c.intn(6) {
		case 1:
			cl.VolumeMode, cl.MountPath, cl.DevicePath = corev1.PersistentVolumeBlock, "", in.Path
		case 2:
			cl.VolumeMode = corev1.PersistentVolumeMode(mode)
		case 3:
			cl.AccessModes = []corev1.PersistentVolumeAccessMode{pick(c, corev1.ReadWriteOncePod, corev1.ReadWriteMany, corev1.PersistentVolumeAccessMode(mode))}
			if c.flag() {
				cl.AccessModes = append(cl.AccessModes, pick(c, corev1.ReadWriteOnce, corev1.ReadWriteOncePod))
			}
		case 4:
			cl.StorageClassName = pick(c, "fast-ssd", mode)
		case 5:
			cl.Labels = map[string]string{"tier": pick(c, "hot", mode)}
		}
		s.Claims = append(s.Claims, cl)
		if c.flag() {
			s.Claims = append(s.Claims, cluster.Claim{Name: "wal", Size: pick(c, "1Gi", in.Size), MountPath: pick(c, "/wal", in.Path)})
		}
	}
	if c.flag() {
		s.Volumes = []corev1.Volume{{Name: pick(c, "scratch", mode), VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
		s.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: s.Volumes[0].Name, MountPath: pick(c, "/scratch", in.Path)}}
	}

	// Projected config directory: data keys, downward API and paths.
	var secretKeys []string
	if c.intn(3) > 0 {
		cfg := &cluster.Config{MountPath: pick(c, "", "/etc/db", in.Path)}
		if c.intn(3) > 0 {
			cfg.Data = map[string]string{"app.conf": "mode=" + mode}
			if c.flag() {
				cfg.Data[pick(c, "extra.conf", mode, in.Path)] = "x"
			}
		}
		secretKeys = pick(c, []string(nil), []string{"password"}, []string{"tls.key", "tls.crt"}, []string{mode})
		for n := c.intn(4); n > 0; n-- {
			switch c.intn(5) {
			case 0:
				cfg.Sources = append(cfg.Sources, corev1.VolumeProjection{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
					{Path: pick(c, "podinfo/labels", in.Path, mode), FieldRef: &corev1.ObjectFieldSelector{FieldPath: pick(c, "metadata.labels", "metadata.annotations", "metadata.name", mode,
						"metadata.labels['app.kubernetes.io/name']", "metadata.annotations['"+mode+"']", "metadata.labels['"+mode+"']")}},
				}}})
			case 1:
				cfg.Sources = append(cfg.Sources, corev1.VolumeProjection{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
					{Path: pick(c, "podinfo/cpu", "cpu-limit"), ResourceFieldRef: &corev1.ResourceFieldSelector{ContainerName: s.Containers[0].Name, Resource: pick(c, "limits.cpu", "requests.memory", mode)}},
				}}})
			case 2:
				cfg.Sources = append(cfg.Sources, corev1.VolumeProjection{ConfigMap: &corev1.ConfigMapProjection{
					LocalObjectReference: corev1.LocalObjectReference{Name: pick(c, "shared-config", cluster.GeneratedConfigMap)},
					Items:                []corev1.KeyToPath{{Key: pick(c, "app.conf", "shared.conf"), Path: pick(c, "shared/app.conf", in.Path), Mode: pick(c, (*int32)(nil), i32(0o440), i32(0o7777))}},
				}})
			case 3:
				cfg.Sources = append(cfg.Sources, corev1.VolumeProjection{Secret: &corev1.SecretProjection{
					LocalObjectReference: corev1.LocalObjectReference{Name: pick(c, "tls-certs", cluster.GeneratedSecret)},
					Items:                []corev1.KeyToPath{{Key: pick(c, "ca.crt", "password"), Path: pick(c, "certs/ca.crt", mode)}},
				}})
			case 4:
				cfg.Sources = append(cfg.Sources, corev1.VolumeProjection{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: pick(c, "token", mode), ExpirationSeconds: pick(c, (*int64)(nil), i64(3600), i64(60))}})
			}
		}
		cfg.InitJob = c.flag()
		s.Config = cfg
	}

	// Disruption budget.
	switch c.intn(5) {
	case 1:
		s.Disruption = &cluster.Disruption{Disabled: true}
	case 2:
		s.Disruption = &cluster.Disruption{MinAvailable: ios(intstr.FromInt32(pick(c, int32(2), in.Partition)))}
	case 3:
		s.Disruption = &cluster.Disruption{MaxUnavailable: ios(intstr.FromString(pick(c, "34%", mode)))}
	case 4:
		p := pick(c, policyv1.AlwaysAllow, policyv1.IfHealthyBudget, policyv1.UnhealthyPodEvictionPolicyType(mode))
		s.Disruption = &cluster.Disruption{UnhealthyPodEvictionPolicy: &p}
	}

	// Scheduling.
	s.Scheduling.AntiAffinity = pick(c, cluster.AntiAffinity(""), cluster.AntiAffinityHard, cluster.AntiAffinityNone, cluster.AntiAffinitySoft, cluster.AntiAffinity(mode))
	s.Scheduling.ZoneSpread = pick(c, cluster.SpreadNone, cluster.SpreadSoft, cluster.SpreadHard, cluster.Spread(mode))
	if c.flag() {
		s.Scheduling.NodeSelector = map[string]string{"disk": pick(c, "ssd", mode)}
		s.Scheduling.Tolerations = []corev1.Toleration{{Key: pick(c, "dedicated", "", mode), Operator: pick(c, corev1.TolerationOpEqual, corev1.TolerationOpExists), Value: pick(c, "", "db", mode),
			Effect: pick(c, corev1.TaintEffectNoSchedule, "", corev1.TaintEffect(mode))}}
	}

	// Security.
	s.Security.Profile = pick(c, cluster.SecurityProfile(""), cluster.SecurityNone, cluster.SecurityRestricted, cluster.SecurityProfile(mode))
	if c.flag() {
		s.Security.RunAsUser = i64(pick(c, int64(1001), 0, -1))
		s.Security.ReadOnlyRootFilesystem = true
	}

	// Metadata: optionally many keys, to catch map-order dependence.
	s.AppName = pick(c, "", "postgres", mode)
	s.Version = pick(c, "", "17.2", mode)
	if n := c.intn(4); n > 0 {
		s.Labels = manyKeys("team", n*12)
		s.Annotations = manyKeys("example.com/note", n*12)
		s.PodAnnotations = map[string]string{"prometheus.io/scrape": "true"}
	}
	if c.flag() {
		s.Labels = merge(s.Labels, map[string]string{pick(c, "owner", mode, "app.kubernetes.io/instance"): pick(c, "dba", mode)})
	}

	// Init Job, NetworkPolicy and access.
	if c.flag() {
		s.Init = &cluster.InitJob{Command: pick(c, []string{"sh", "-c", "echo init"}, nil), Image: pick(c, "", "busybox:1.37"), Env: []corev1.EnvVar{{Name: "HOST", Value: "x"}}}
	}
	switch c.intn(4) {
	case 1:
		s.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true}
	case 2:
		s.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true, RestrictEgress: true, Clients: []networkingv1.NetworkPolicyPeer{
			{IPBlock: &networkingv1.IPBlock{CIDR: pick(c, "10.0.0.0/8", mode), Except: []string{pick(c, "10.1.0.0/16", "192.168.0.0/16", "10.0.0.0/8", mode)}}},
			{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"role": pick(c, "app", mode)}}},
		}, Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: pick(c, "172.18.0.2/32", mode)}}}}}}
	}
	if c.flag() {
		s.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"endpoints", "pods"}, Verbs: []string{"get", "list", pick(c, "watch", "*", mode)}}}}
	}
	if c.flag() {
		s.ImagePullSecrets = []string{pick(c, "registry", mode)}
		s.PriorityClassName = pick(c, "db-critical", mode)
		s.TerminationGracePeriodSeconds = i64(pick(c, int64(60), -1))
	}

	// Component arguments.
	args := &components.DatabaseClusterArgs{Spec: s}
	d := cluster.Deployed{Images: map[string]string{}}
	if main.Image == "" && c.intn(4) > 0 {
		args.Image = pulumi.String("postgres:17")
		d.Images[main.Name] = "postgres:17"
	}
	if c.flag() {
		args.Images = map[string]pulumi.StringInput{pick(c, cluster.InitContainerName, main.Name, mode): pulumi.String("busybox:1.37")}
	}
	for k := range args.Images {
		d.Images[k] = "busybox:1.37"
	}
	if len(secretKeys) > 0 || c.flag() {
		keys := secretKeys
		if len(keys) == 0 {
			keys = []string{"password"}
		}
		args.SecretData = map[string]pulumi.StringInput{}
		for _, k := range keys {
			args.SecretData[k] = pick[pulumi.StringInput](c, pulumi.String("s3cret"), nil)
		}
		d.SecretName = in.Name + "-secret-0a1b2c3d"
	}
	switch c.intn(4) {
	case 1:
		args.StorageClassName = pulumi.String("standard")
		d.StorageClassName = "standard"
	case 2:
		nodes := make([]string, c.intn(6))
		for i := range nodes {
			nodes[i] = fmt.Sprintf("node-%d", i)
		}
		if plan, err := localpv.New(pick(c, "disks", "local-ssd"), localpv.Spec{Nodes: nodes, Path: "/mnt/disks/ssd0", Capacity: pick(c, "100Gi", in.Size)}); err == nil {
			args.Pool = &components.LocalVolumePool{Plan: plan}
		}
	}
	args.Deletion = pick(c, components.StatefulSetDeletion(""), components.DeletionBackground, components.StatefulSetDeletion(mode))
	return dbCase{Name: in.Name, Args: args, Deployed: d}
}

// poolInput is what the LocalVolumePool fuzz target receives.
type poolInput struct {
	Name     string
	Node     string
	Path     string
	Capacity string
	Mode     string
	Data     []byte
}

// poolCase is a generated LocalVolumePool.
type poolCase struct {
	Name string
	Spec localpv.Spec
}

// genLocalVolumePool derives a pool spec from a fuzz input.
func genLocalVolumePool(in poolInput) poolCase {
	c := &choices{b: in.Data}
	s := localpv.Spec{StorageClassName: pick(c, "", in.Name+"-local", in.Mode)}
	n := c.intn(5)
	if n > 0 {
		s.Nodes = []string{in.Node}
		for i := 1; i < n; i++ {
			s.Nodes = append(s.Nodes, fmt.Sprintf("node-%d", i))
		}
		s.Path = in.Path
		s.Capacity = in.Capacity
	}
	for i := c.intn(4); i > 0; i-- {
		s.Volumes = append(s.Volumes, localpv.Volume{
			Node:     pick(c, "node-9", in.Node, in.Mode),
			Path:     pick(c, "/mnt/disks/ssd1", in.Path, "/mnt/disks/ssd"+fmt.Sprint(i)),
			Capacity: pick(c, "", "500Gi", in.Capacity),
		})
	}
	if s.Capacity == "" && c.intn(3) > 0 {
		s.Capacity = pick(c, "100Gi", in.Capacity)
	}
	s.AccessModes = pick(c, []corev1.PersistentVolumeAccessMode(nil), []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod}, []corev1.PersistentVolumeAccessMode{corev1.PersistentVolumeAccessMode(in.Mode)})
	s.VolumeMode = pick(c, corev1.PersistentVolumeMode(""), corev1.PersistentVolumeBlock, corev1.PersistentVolumeFilesystem, corev1.PersistentVolumeMode(in.Mode))
	s.FSType = pick(c, "", "ext4", "xfs")
	s.ReclaimPolicy = pick(c, corev1.PersistentVolumeReclaimPolicy(""), corev1.PersistentVolumeReclaimDelete, corev1.PersistentVolumeReclaimPolicy(in.Mode))
	s.NodeLabelKey = pick(c, "", "topology.example.com/host", in.Mode)
	if c.flag() {
		s.MountOptions = []string{"noatime"}
	}
	s.DefaultClass = c.flag()
	if n := c.intn(3); n > 0 {
		s.Labels = manyKeys("pool", n*20)
		s.Annotations = manyKeys("example.com/disk", n*20)
	}
	if c.flag() {
		s.Labels = merge(s.Labels, map[string]string{"tier": in.Mode})
	}
	return poolCase{Name: in.Name, Spec: s}
}

// netInput is what the HeadlessNetwork fuzz target receives.
type netInput struct {
	Name     string
	PortName string
	Port     int32
	Replicas int32
	Mode     string
	Data     []byte
}

// netCase is a generated HeadlessNetwork.
type netGenCase struct {
	Name string
	Spec network.Spec
}

// genHeadlessNetwork derives a network spec from a fuzz input.
func genHeadlessNetwork(in netInput) netGenCase {
	c := &choices{b: in.Data}
	s := network.Spec{Replicas: in.Replicas}
	s.ServiceName = pick(c, "", in.Name+"-peers", in.Mode)
	s.StatefulSetName = pick(c, "", in.Name, in.Mode)
	s.OrdinalStart = pick(c, int32(0), 3, -1)
	s.ClusterDomain = pick(c, "", "cluster.local", in.Mode)
	switch c.intn(4) {
	case 1:
		s.Selector = map[string]string{"app": pick(c, "db", in.Mode)}
	case 2:
		s.Selector = map[string]string{}
	case 3:
		s.Selector = manyKeys("sel", 30)
	}
	s.Ports = []network.Port{{Name: in.PortName, Port: in.Port, Client: c.intn(3) > 0, Peer: c.flag(),
		Protocol: pick(c, corev1.Protocol(""), corev1.ProtocolUDP, corev1.ProtocolSCTP, corev1.Protocol(in.Mode)), AppProtocol: pick(c, "", "kubernetes.io/h2c", in.Mode)}}
	for i := c.intn(4); i > 0; i-- {
		s.Ports = append(s.Ports, network.Port{Name: pick(c, "http", "admin", in.PortName, in.Mode), Port: pick(c, int32(8080+i), in.Port), Client: c.flag(), Peer: c.flag()})
	}
	switch c.intn(5) {
	case 1:
		s.Client = &network.ClientService{}
	case 2:
		s.Client = &network.ClientService{Name: pick(c, "", in.Mode, in.Name+"-public"), Type: corev1.ServiceTypeNodePort,
			NodePorts:             map[string]int32{in.PortName: pick(c, int32(30080), 30000+in.Port, in.Port)},
			ExternalTrafficPolicy: pick(c, corev1.ServiceExternalTrafficPolicy(""), corev1.ServiceExternalTrafficPolicyLocal, corev1.ServiceExternalTrafficPolicy(in.Mode))}
	case 3:
		s.Client = &network.ClientService{Type: corev1.ServiceTypeLoadBalancer, LoadBalancerSourceRanges: []string{pick(c, "192.168.0.0/16", in.Mode)},
			Annotations: map[string]string{"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}}
	case 4:
		s.Client = &network.ClientService{Type: corev1.ServiceType(pick(c, in.Mode, "ClusterIP")), Ports: []string{pick(c, in.PortName, in.Mode)},
			Labels: map[string]string{"exposure": pick(c, "public", in.Mode)}}
	}
	if n := c.intn(3); n > 0 {
		s.Labels = manyKeys("net", n*20)
		s.Annotations = manyKeys("example.com/net", n*20)
	}
	return netGenCase{Name: in.Name, Spec: s}
}

// manyKeys returns n entries "<prefix>-<i>" = "v<i>".
func manyKeys(prefix string, n int) map[string]string {
	out := make(map[string]string, n)
	for i := range n {
		out[fmt.Sprintf("%s-%03d", prefix, i)] = fmt.Sprintf("v%d", i)
	}
	return out
}

func merge(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// Seeded generation for the API-server check and the determinism tests: a
// fixed seed gives the same inputs on every run and in every process.

var (
	seedNames = []string{"db", "crdb", "zk", "mysql-primary", "a", "cluster-with-a-rather-long-name-of-52-characters-abc"}
	seedSizes = []string{"10Gi", "1Gi", "500Mi", "1Ti", "100G"}
	seedPaths = []string{"/var/lib/data", "/data", "/cockroach/cockroach-data", "podinfo"}
	seedModes = []string{"", "soft", "hard", "Parallel", "fast", "x", "Bad Value!", "a=b"}
	seedNodes = []string{"node-0", "worker.example.com", "ip-10-0-0-1"}
)

// seededBytes returns n pseudo-random decision bytes, most of them 0 (the
// plain choice), so that a good share of seeded specs is valid while every
// option still comes up.
func seededBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		if r.IntN(10) < 3 {
			b[i] = byte(r.UintN(256))
		}
	}
	return b
}

// seededDBInputs returns n DatabaseCluster inputs from a fixed seed.
func seededDBInputs(seed uint64, n int) []dbInput {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]dbInput, 0, n)
	for range n {
		out = append(out, dbInput{
			Name:      seedNames[r.IntN(len(seedNames))],
			Replicas:  int32(1 + r.IntN(7)),
			Port:      int32(1024 + r.IntN(60000)),
			Partition: int32(r.IntN(4)),
			Size:      seedSizes[r.IntN(len(seedSizes))],
			Path:      seedPaths[r.IntN(len(seedPaths))],
			Mode:      seedModes[r.IntN(len(seedModes))],
			Data:      seededBytes(r, 96),
		})
	}
	return out
}

// seededPoolInputs returns n LocalVolumePool inputs from a fixed seed.
func seededPoolInputs(seed uint64, n int) []poolInput {
	r := rand.New(rand.NewPCG(seed, seed^0x51ed270b27b2a1f3))
	out := make([]poolInput, 0, n)
	for range n {
		out = append(out, poolInput{
			Name:     seedNames[r.IntN(len(seedNames))],
			Node:     seedNodes[r.IntN(len(seedNodes))],
			Path:     seedPaths[r.IntN(len(seedPaths))],
			Capacity: seedSizes[r.IntN(len(seedSizes))],
			Mode:     seedModes[r.IntN(len(seedModes))],
			Data:     seededBytes(r, 32),
		})
	}
	return out
}

// seededNetInputs returns n HeadlessNetwork inputs from a fixed seed.
func seededNetInputs(seed uint64, n int) []netInput {
	r := rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d))
	portNames := []string{"sql", "grpc", "client", "peer"}
	out := make([]netInput, 0, n)
	for range n {
		out = append(out, netInput{
			Name:     seedNames[r.IntN(len(seedNames))],
			PortName: portNames[r.IntN(len(portNames))],
			Port:     int32(1 + r.IntN(65535)),
			Replicas: int32(1 + r.IntN(9)),
			Mode:     seedModes[r.IntN(len(seedModes))],
			Data:     seededBytes(r, 32),
		})
	}
	return out
}
