package engines

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// etcd defaults.
const (
	// DefaultEtcdImage is the etcd project's image. It is distroless (no
	// shell), so the profile's command is plain arguments.
	DefaultEtcdImage = "quay.io/coreos/etcd:v3.6.16"
	// DefaultEtcdBinary is the server binary in that image (and in most
	// etcd images).
	DefaultEtcdBinary = "/usr/local/bin/etcd"
	// EtcdDataDir is where the data claim is mounted. etcd's --data-dir is
	// its "data" subdirectory (etcd insists on an owner-only directory and
	// a lost+found at the root of a real disk must not disturb it).
	EtcdDataDir = "/var/lib/etcd"
	// EtcdConfigDir is where the generated ConfigMap is projected (the
	// settings reach etcd as env vars; the files are for inspection). It
	// lies under /etc/ordinal so that it never hides a directory of the
	// image.
	EtcdConfigDir = "/etc/ordinal/etcd"
	// EtcdClientPort serves clients, /readyz, /livez and /metrics, once the
	// member has joined a quorum.
	EtcdClientPort int32 = 2379
	// EtcdPeerPort carries the raft traffic between members.
	EtcdPeerPort int32 = 2380
	// EtcdMetricsPort serves /metrics, /livez and /readyz from the moment
	// etcd starts, also while the member waits for its peers.
	EtcdMetricsPort int32 = 2381
	// EtcdMaxQuota caps the backend quota derived from the claim size:
	// etcd recommends at most 8 GiB.
	EtcdMaxQuota int64 = 8 << 30
)

// Port names of the etcd profile.
const (
	EtcdPortClient  = "client"
	EtcdPortPeer    = "peer"
	EtcdPortMetrics = "metrics"
)

// Keys of the etcd profile's generated ConfigMap (spec.Config.Data). Each
// key is the name of the etcd env var it is delivered as (through
// cluster.ConfigEnv), so the ConfigMap reads like etcd's own
// configuration.
const (
	// EtcdKeyInitialCluster is the founding member,
	// "<name>-0=http://<name>-0.<svc>:2380" (see EtcdInitialCluster); the
	// others join it.
	EtcdKeyInitialCluster = "ETCD_INITIAL_CLUSTER"
	// EtcdKeyInitialClusterToken tells this cluster's bootstrap apart from
	// others; default the cluster's name.
	EtcdKeyInitialClusterToken = "ETCD_INITIAL_CLUSTER_TOKEN"
	// EtcdKeyInitialClusterState is "new": the founding member bootstraps
	// the cluster (a joining member's start script sets "existing").
	EtcdKeyInitialClusterState = "ETCD_INITIAL_CLUSTER_STATE"
)

// EtcdOptions shape the etcd profile. Zero values take the documented
// defaults.
type EtcdOptions struct {
	// Replicas is the number of members; default 3. Use an odd number. A
	// change of a running cluster adds or removes members (see Etcd).
	Replicas int32
	// Image defaults to DefaultEtcdImage.
	Image string
	// Binary is the server binary in the image; default DefaultEtcdBinary.
	Binary string
	// ServiceName of the governing headless Service; default the cluster's
	// name. Members advertise "<pod>.<service>" URLs.
	ServiceName string
	// ClientServiceName of the client Service; default "<name>-client".
	ClientServiceName string
	// StorageSize of each member's data claim; default "1Gi". The backend
	// quota (--quota-backend-bytes) is half of it, at most EtcdMaxQuota,
	// so that the database, its write-ahead log and snapshots fit.
	StorageSize string
	// ClusterToken is ETCD_INITIAL_CLUSTER_TOKEN; default the cluster's name.
	ClusterToken string
	// ToolsImage is an image with a busybox binary on its PATH, which the
	// "tools" init container copies into the pods and the membership Job
	// (etcd's image has no shell); default DefaultEtcdToolsImage.
	ToolsImage string
	// Etcdctl is etcdctl in the etcd image; default DefaultEtcdctl.
	Etcdctl string
	// ExtraArgs are appended to etcd's arguments (e.g. "--log-level=debug").
	// The initial-cluster settings come from env vars: do not repeat them
	// as flags (etcd refuses a setting given both ways), and never pass
	// --config-file (etcd then ignores every other flag and env var).
	ExtraArgs []string
}

// EtcdInitialCluster is the membership of replicas members named
// "<name>-<i>" behind the governing Service service:
// "db-0=http://db-0.db:2380,db-1=http://db-1.db:2380,...". Host names are
// qualified by the Service only: they resolve through the pods' DNS search
// path whatever the namespace.
func EtcdInitialCluster(name, service string, replicas int32) string {
	hosts := naming.PodHosts(name, cmp.Or(service, name), 0, replicas)
	parts := make([]string, len(hosts))
	for i, h := range hosts {
		parts[i] = fmt.Sprintf("%s=http://%s", naming.PodName(name, int32(i)), naming.HostPort(h, EtcdPeerPort))
	}
	return strings.Join(parts, ",")
}

// Etcd returns the spec of an etcd cluster named name in which every
// member is a voting peer.
//
// The image is distroless (no shell). A "tools" init container copies
// busybox (from ToolsImage) into an emptyDir, under which the member's
// start script (EtcdStartScript) runs and then execs etcd with plain
// arguments that Kubernetes expands from the pod's env:
//
//	/usr/local/bin/etcd
//	--name=$(POD_NAME)
//	--data-dir=/var/lib/etcd/data
//	--listen-peer-urls=http://0.0.0.0:2380
//	--listen-client-urls=http://0.0.0.0:2379
//	--listen-metrics-urls=http://0.0.0.0:2381
//	--initial-advertise-peer-urls=http://$(POD_NAME).<svc>:2380
//	--advertise-client-urls=http://$(POD_NAME).<svc>:2379
//	--auto-compaction-mode=periodic
//	--auto-compaction-retention=1h
//	--quota-backend-bytes=<half the claim, at most 8 GiB>
//
// with POD_NAME from the downward API (metadata.name). The bootstrap
// settings are the generated ConfigMap's keys, delivered as etcd's own env
// vars: ETCD_INITIAL_CLUSTER (EtcdInitialCluster of the founding member,
// pod 0, alone), ETCD_INITIAL_CLUSTER_TOKEN and
// ETCD_INITIAL_CLUSTER_STATE=new.
//
// Membership (etcd_membership.go): pod 0 founds the cluster when no
// member answers; every other member adds itself (`etcdctl member add`,
// one at a time as etcd requires) and starts with state "existing"; a
// member that restarts with its data directory just starts (etcd ignores
// the initial-* settings then). Before a lower Replicas reaches the
// StatefulSet, the membership Job "<name>-members-<replicas>" removes the
// departing members, highest ordinal first, and `up` waits for it. So a
// change of Replicas is a membership change that `up` carries out, and
// touches nothing in the pod template: no member restarts.
//
// Readiness is an httpGet of /readyz on the client port: the member
// serves clients, reads locally and through the quorum, and has no
// corruption alarm. Liveness is /livez (a local read) on the metrics port:
// etcd serves its client port only once the member has joined a quorum,
// but the metrics port from the start, so a member that waits for its
// peers is not killed for it. A startup probe (the same /livez) gives
// opening a large data directory, or waiting to join, up to 5 minutes.
// Pod management is Parallel: with OrderedReady a member that waits for
// a quorum would hold back the pods it needs. The rest: hard
// anti-affinity on the hostname, the cluster's default PDB
// (cluster.DefaultBudget: a quorum, or maxUnavailable 1 for 1 or 2
// members, whose quorum is every member, so that a drain is never
// blocked), the restricted security profile as uid/gid/fsGroup 1000, a
// 1Gi "datadir" claim at EtcdDataDir, a client Service "<name>-client"
// with the client port, and no init Job.
func Etcd(name string, o EtcdOptions) cluster.Spec {
	replicas := cmp.Or(o.Replicas, 3)
	image := cmp.Or(o.Image, DefaultEtcdImage)
	svc := cmp.Or(o.ServiceName, name)
	size := cmp.Or(o.StorageSize, "1Gi")
	args := []string{
		"--name=$(POD_NAME)",
		"--data-dir=" + EtcdDataDir + "/data",
		"--listen-peer-urls=http://0.0.0.0:" + strconv.Itoa(int(EtcdPeerPort)),
		"--listen-client-urls=http://0.0.0.0:" + strconv.Itoa(int(EtcdClientPort)),
		"--listen-metrics-urls=http://0.0.0.0:" + strconv.Itoa(int(EtcdMetricsPort)),
		"--initial-advertise-peer-urls=http://" + naming.HostPort("$(POD_NAME)."+svc, EtcdPeerPort),
		"--advertise-client-urls=http://" + naming.HostPort("$(POD_NAME)."+svc, EtcdClientPort),
		"--auto-compaction-mode=periodic",
		"--auto-compaction-retention=1h",
	}
	if quota := etcdQuota(size); quota > 0 {
		args = append(args, "--quota-backend-bytes="+strconv.FormatInt(quota, 10))
	}
	args = append(args, o.ExtraArgs...)
	clientSvc := cmp.Or(o.ClientServiceName, name+"-client")
	tools := cmp.Or(o.ToolsImage, DefaultEtcdToolsImage)
	etcdctl := cmp.Or(o.Etcdctl, DefaultEtcdctl)
	etcd := corev1.Container{
		Name:    "etcd",
		Image:   image,
		Command: etcdShell(EtcdStartScript(), "etcd-start"),
		Args:    append([]string{cmp.Or(o.Binary, DefaultEtcdBinary)}, args...),
		Env: append([]corev1.EnvVar{
			cluster.FieldEnv("POD_NAME", "metadata.name"),
			cluster.ConfigEnv(EtcdKeyInitialCluster, EtcdKeyInitialCluster),
			cluster.ConfigEnv(EtcdKeyInitialClusterToken, EtcdKeyInitialClusterToken),
			cluster.ConfigEnv(EtcdKeyInitialClusterState, EtcdKeyInitialClusterState),
			{Name: "ORDINAL_ETCD_PEER_URL", Value: "http://" + naming.HostPort("$(POD_NAME)."+svc, EtcdPeerPort)},
			{Name: "ORDINAL_ETCD_ENDPOINTS", Value: "http://" + naming.HostPort(svc, EtcdClientPort)},
		}, etcdScriptEnv(etcdctl)...),
		VolumeMounts: []corev1.VolumeMount{etcdToolsMount()},
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("100m"),
			corev1.ResourceMemory: resource.MustParse("256Mi"),
		}},
		ReadinessProbe: httpProbe("/readyz", EtcdPortClient, corev1.URISchemeHTTP, 5, 5, 3),
		LivenessProbe:  httpProbe("/livez", EtcdPortMetrics, corev1.URISchemeHTTP, 0, 10, 3),
		StartupProbe:   httpProbe("/livez", EtcdPortMetrics, corev1.URISchemeHTTP, 2, 5, 60),
	}
	uid := cluster.DefaultUID
	return cluster.Spec{
		AppName:             "etcd",
		Version:             ImageVersion(image),
		Replicas:            replicas,
		PodManagementPolicy: appsv1.ParallelPodManagement,
		Ports: []network.Port{
			{Name: EtcdPortClient, Port: EtcdClientPort, Client: true},
			{Name: EtcdPortPeer, Port: EtcdPeerPort, Peer: true},
			{Name: EtcdPortMetrics, Port: EtcdMetricsPort, AppProtocol: "http"},
		},
		Network: cluster.Network{
			ServiceName: svc,
			Client:      &network.ClientService{Name: clientSvc},
		},
		InitContainers: []corev1.Container{etcdToolsInit(tools)},
		Containers:     []corev1.Container{etcd},
		Volumes:        []corev1.Volume{etcdToolsVolume()},
		Membership:     etcdMembership(tools, etcdctl),
		Claims: []cluster.Claim{{
			Name: DataClaimName, Size: size, MountPath: EtcdDataDir,
		}},
		Config: &cluster.Config{
			MountPath: EtcdConfigDir,
			Data: map[string]string{
				EtcdKeyInitialCluster:      EtcdInitialCluster(name, svc, 1),
				EtcdKeyInitialClusterToken: cmp.Or(o.ClusterToken, name),
				EtcdKeyInitialClusterState: "new",
			},
		},
		// No Disruption: cluster.DefaultBudget keeps a quorum, and never
		// blocks every drain (1 or 2 replicas).
		Scheduling: cluster.Scheduling{AntiAffinity: cluster.AntiAffinityHard},
		Security: cluster.Security{
			Profile: cluster.SecurityRestricted, RunAsUser: new(uid), RunAsGroup: new(uid), FSGroup: new(uid),
		},
		TerminationGracePeriodSeconds: new(int64(30)),
	}
}

// etcdQuota is the backend quota for a claim of size: half of it, at most
// EtcdMaxQuota; 0 (etcd's default) when size does not parse (validation
// reports the size).
func etcdQuota(size string) int64 {
	q, err := resource.ParseQuantity(size)
	if err != nil || q.Value() <= 0 {
		return 0
	}
	return min(q.Value()/2, EtcdMaxQuota)
}
