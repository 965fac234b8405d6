package engines

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// ZooKeeper defaults (those of the Kubernetes "Running ZooKeeper" tutorial).
const (
	// DefaultZooKeeperImage is the tutorial's image.
	DefaultZooKeeperImage = "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10"
	// ZooKeeperDataDir is where the data claim is mounted.
	ZooKeeperDataDir = "/var/lib/zookeeper"
	// ZooKeeperConfigDir is where the generated settings are projected as files.
	ZooKeeperConfigDir = "/etc/zookeeper"
	// ZooKeeper's ports.
	ZooKeeperClientPort   int32 = 2181
	ZooKeeperServerPort   int32 = 2888
	ZooKeeperElectionPort int32 = 3888
)

// Port names of the ZooKeeper profile.
const (
	ZooKeeperPortClient   = "client"
	ZooKeeperPortServer   = "server"
	ZooKeeperPortElection = "leader-election"
)

// Keys of the generated ConfigMap (spec.Config.Data). Each is delivered to
// the server as an env var (see ZooKeeperEnv) and as a file of the same name
// in ZooKeeperConfigDir. Edit spec.Config.Data to change a setting: the
// ConfigMap gets a new name and the pods roll.
const (
	ZooKeeperKeyEnsemble      = "ensemble"
	ZooKeeperKeyHeap          = "jvm.heap"
	ZooKeeperKeyTick          = "tick"
	ZooKeeperKeyInit          = "init"
	ZooKeeperKeySync          = "sync"
	ZooKeeperKeyClientCnxns   = "client.cnxns"
	ZooKeeperKeySnapRetain    = "snap.retain"
	ZooKeeperKeyPurgeInterval = "purge.interval"
)

// ZooKeeperEnv maps each ConfigMap key to the env var the start script reads.
var ZooKeeperEnv = []struct{ Env, Key string }{
	{"ZK_ENSEMBLE", ZooKeeperKeyEnsemble},
	{"ZK_HEAP_SIZE", ZooKeeperKeyHeap},
	{"ZK_TICK_TIME", ZooKeeperKeyTick},
	{"ZK_INIT_LIMIT", ZooKeeperKeyInit},
	{"ZK_SYNC_LIMIT", ZooKeeperKeySync},
	{"ZK_MAX_CLIENT_CNXNS", ZooKeeperKeyClientCnxns},
	{"ZK_SNAP_RETAIN_COUNT", ZooKeeperKeySnapRetain},
	{"ZK_PURGE_INTERVAL", ZooKeeperKeyPurgeInterval},
}

// ZooKeeperOptions shape the ZooKeeper profile. Zero values take the
// documented defaults. Tune the remaining settings through
// spec.Config.Data (see the ZooKeeperKey constants).
type ZooKeeperOptions struct {
	// Replicas is the ensemble size; default 3. Use an odd number.
	Replicas int32
	// Image defaults to DefaultZooKeeperImage.
	Image string
	// ServiceName of the governing headless Service; default "<name>-hs".
	ServiceName string
	// ClientServiceName of the client Service; default "<name>-cs".
	ClientServiceName string
	// StorageSize of each server's data claim; default "20Gi".
	StorageSize string
	// Heap is the JVM heap, e.g. "512M" (the default).
	Heap string
}

// ZooKeeperEnsemble is the ensemble setting: the servers' host names
// qualified by the governing Service, separated by ";"
// ("zk-0.zk-hs;zk-1.zk-hs;zk-2.zk-hs"). Server i of the list gets myid i+1.
func ZooKeeperEnsemble(name, service string, replicas int32) string {
	return strings.Join(naming.PodHosts(name, service, 0, replicas), ";")
}

// ZooKeeper returns the spec of a ZooKeeper ensemble named name: the
// settings of the tutorial's ConfigMap, a start script that derives myid
// from the pod's ordinal (hostname suffix + 1) and writes zoo.cfg from the
// ensemble, exec readiness and liveness probes (`zookeeper-ready 2181`),
// hard anti-affinity on the hostname (one server per node), a PDB that
// keeps a quorum (minAvailable 2 of 3), runAsUser and fsGroup 1000, and a
// 20Gi "datadir" claim at /var/lib/zookeeper.
func ZooKeeper(name string, o ZooKeeperOptions) cluster.Spec {
	replicas := orInt32(o.Replicas, 3)
	image := orString(o.Image, DefaultZooKeeperImage)
	svc := orString(o.ServiceName, name+"-hs")
	var env []corev1.EnvVar
	for _, e := range ZooKeeperEnv {
		env = append(env, cluster.ConfigEnv(e.Env, e.Key))
	}
	ready := fmt.Sprintf("zookeeper-ready %d", ZooKeeperClientPort)
	zk := corev1.Container{
		Name:    "zookeeper",
		Image:   image,
		Command: []string{"sh", "-c", ZooKeeperStartScript(ZooKeeperDataDir)},
		Env:     env,
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("500m"),
			corev1.ResourceMemory: resource.MustParse("1Gi"),
		}},
		ReadinessProbe: execProbe(ready, 10, 10),
		LivenessProbe:  execProbe(ready, 10, 10),
	}
	uid := cluster.DefaultUID
	return cluster.Spec{
		AppName:             "zookeeper",
		Version:             ImageVersion(image),
		Replicas:            replicas,
		PodManagementPolicy: appsv1.OrderedReadyPodManagement,
		Ports: []network.Port{
			{Name: ZooKeeperPortClient, Port: ZooKeeperClientPort, Client: true},
			{Name: ZooKeeperPortServer, Port: ZooKeeperServerPort, Peer: true},
			{Name: ZooKeeperPortElection, Port: ZooKeeperElectionPort, Peer: true},
		},
		Network: cluster.Network{
			ServiceName: svc,
			Client:      &network.ClientService{Name: orString(o.ClientServiceName, name+"-cs")},
		},
		Containers: []corev1.Container{zk},
		Claims: []cluster.Claim{{
			Name: DataClaimName, Size: orString(o.StorageSize, "20Gi"), MountPath: ZooKeeperDataDir,
		}},
		Config: &cluster.Config{
			MountPath: ZooKeeperConfigDir,
			Data: map[string]string{
				ZooKeeperKeyEnsemble:      ZooKeeperEnsemble(name, svc, replicas),
				ZooKeeperKeyHeap:          orString(o.Heap, "512M"),
				ZooKeeperKeyTick:          "2000",
				ZooKeeperKeyInit:          "10",
				ZooKeeperKeySync:          "5",
				ZooKeeperKeyClientCnxns:   "60",
				ZooKeeperKeySnapRetain:    "3",
				ZooKeeperKeyPurgeInterval: "12",
			},
		},
		Disruption: &cluster.Disruption{MinAvailable: ptr(intstr.FromInt32(cluster.Quorum(replicas)))},
		Scheduling: cluster.Scheduling{AntiAffinity: cluster.AntiAffinityHard},
		Security: cluster.Security{
			Profile: cluster.SecurityRestricted, RunAsUser: ptr(uid), RunAsGroup: ptr(uid), FSGroup: ptr(uid),
		},
		TerminationGracePeriodSeconds: ptr(int64(30)),
	}
}

// ZooKeeperStartScript is the server's start script for data directory
// dataDir. It derives myid from the pod's ordinal (the hostname's numeric
// suffix + 1), writes it to <dataDir>/data/myid and a zoo.cfg generated from
// the ZK_* env vars (server.<i>=<host>:2888:3888 for each ensemble host) to
// <dataDir>/conf, then execs the server in the foreground.
func ZooKeeperStartScript(dataDir string) string {
	return strings.Join([]string{
		"set -e",
		"HOST=$(hostname -s)",
		"ORD=${HOST##*-}",
		"MYID=$((ORD + 1))",
		"DATA=" + dataDir + "/data",
		"CONF=" + dataDir + "/conf",
		"mkdir -p \"$DATA\" \"$DATA/log\" \"$CONF\"",
		"echo \"$MYID\" > \"$DATA/myid\"",
		"{",
		fmt.Sprintf("  echo \"clientPort=%d\"", ZooKeeperClientPort),
		"  echo \"dataDir=$DATA\"",
		"  echo \"dataLogDir=$DATA/log\"",
		"  echo \"tickTime=$ZK_TICK_TIME\"",
		"  echo \"initLimit=$ZK_INIT_LIMIT\"",
		"  echo \"syncLimit=$ZK_SYNC_LIMIT\"",
		"  echo \"maxClientCnxns=$ZK_MAX_CLIENT_CNXNS\"",
		"  echo \"autopurge.snapRetainCount=$ZK_SNAP_RETAIN_COUNT\"",
		"  echo \"autopurge.purgeInterval=$ZK_PURGE_INTERVAL\"",
		"  i=1",
		"  for h in $(echo \"$ZK_ENSEMBLE\" | tr ';' ' '); do",
		fmt.Sprintf("    echo \"server.$i=$h:%d:%d\"", ZooKeeperServerPort, ZooKeeperElectionPort),
		"    i=$((i + 1))",
		"  done",
		"} > \"$CONF/zoo.cfg\"",
		"cp /opt/zookeeper/conf/log4j.properties \"$CONF/\" 2>/dev/null || true",
		"export ZOOCFGDIR=\"$CONF\" JVMFLAGS=\"-Xms$ZK_HEAP_SIZE -Xmx$ZK_HEAP_SIZE\"",
		"echo \"starting server $MYID of $ZK_ENSEMBLE\"",
		"exec zkServer.sh start-foreground",
	}, "\n")
}
