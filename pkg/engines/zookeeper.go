package engines

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// ZooKeeper defaults.
const (
	// DefaultZooKeeperImage is the official Docker Hub image of ZooKeeper
	// 3.8. Any image with ZooKeeper >= 3.5, bash and `zkServer.sh` on the
	// PATH that honours ZOOCFGDIR works (the profile replaces the image's
	// entrypoint); its user needs no particular uid (the official image's
	// zookeeper user is uid 1000, the profile's runAsUser).
	DefaultZooKeeperImage = "zookeeper:3.8"
	// ZooKeeperDataDir is where the data claim is mounted. ZooKeeper's
	// dataDir (snapshots, transaction logs and myid) is its "data"
	// subdirectory, so that a lost+found at the root of a real disk is
	// never mistaken for ZooKeeper data.
	ZooKeeperDataDir = "/var/lib/zookeeper"
	// ZooKeeperConfigDir is the projected config directory: the generated
	// ConfigMap's zoo.cfg and logging configuration. It is the server's
	// ZOOCFGDIR. It lies under /etc/ordinal so that it never hides a
	// directory of the image (Debian's /etc/zookeeper, the official
	// image's /conf).
	ZooKeeperConfigDir = "/etc/ordinal/zookeeper"
	// ZooKeeperClientPort serves clients (and the four-letter words).
	ZooKeeperClientPort int32 = 2181
	// ZooKeeperServerPort is the quorum port followers connect to.
	ZooKeeperServerPort int32 = 2888
	// ZooKeeperElectionPort is the leader-election port.
	ZooKeeperElectionPort int32 = 3888
	// ZooKeeperHeapEnv is the env var, read from the ConfigMap key
	// ZooKeeperKeyHeap, that the start script sizes the JVM heap with.
	ZooKeeperHeapEnv = "ZK_HEAP_SIZE"
)

// Port names of the ZooKeeper profile.
const (
	ZooKeeperPortClient   = "client"
	ZooKeeperPortServer   = "server"
	ZooKeeperPortElection = "leader-election"
)

// Keys of the ZooKeeper profile's generated ConfigMap (spec.Config.Data),
// each projected as a file of the same name into ZooKeeperConfigDir.
// Changing any of them gives the ConfigMap a new name, which rolls the
// pods.
const (
	// ZooKeeperKeyConfig is the complete zoo.cfg (see ZooKeeperConfig).
	ZooKeeperKeyConfig = "zoo.cfg"
	// ZooKeeperKeyHeap is the JVM heap, e.g. "512M" (-Xms and -Xmx).
	ZooKeeperKeyHeap = "jvm.heap"
	// ZooKeeperKeyLogback is the logging configuration of ZooKeeper >= 3.8
	// (logback): INFO to the console, so `kubectl logs` shows the server.
	ZooKeeperKeyLogback = "logback.xml"
	// ZooKeeperKeyLog4j is the same for builds that log with log4j 1.x
	// (ZooKeeper < 3.8 and some distribution packages).
	ZooKeeperKeyLog4j = "log4j.properties"
)

// ZooKeeperOptions shape the ZooKeeper profile. Zero values take the
// documented defaults.
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
	// Settings are zoo.cfg properties that replace the profile's (same
	// key) or are added to them, e.g. {"tickTime": "3000",
	// "autopurge.snapRetainCount": "5"}. An empty value removes the
	// profile's property. See ZooKeeperConfig.
	Settings map[string]string
}

// ZooKeeperEnsemble is the ensemble: the servers' host names qualified by
// the governing Service, separated by ";" ("zk-0.zk-hs;zk-1.zk-hs;
// zk-2.zk-hs"). Server i of the list has myid i+1.
func ZooKeeperEnsemble(name, service string, replicas int32) string {
	return strings.Join(naming.PodHosts(name, service, 0, replicas), ";")
}

// ZooKeeperConfig renders the zoo.cfg of an ensemble of replicas servers
// named "<name>-<i>" behind the governing Service service:
//
//	tickTime=2000
//	initLimit=10
//	syncLimit=5
//	dataDir=/var/lib/zookeeper/data
//	clientPort=2181
//	maxClientCnxns=60
//	autopurge.snapRetainCount=3
//	autopurge.purgeInterval=12
//	4lw.commands.whitelist=srvr,ruok,mntr,conf
//	admin.enableServer=false
//	reconfigEnabled=false
//	quorumListenOnAllIPs=true
//	standaloneEnabled=false
//	server.1=zk-0.zk-hs:2888:3888
//	server.2=zk-1.zk-hs:2888:3888
//	server.3=zk-2.zk-hs:2888:3888
//
// Server hosts are qualified by the Service only ("zk-0.zk-hs"): they
// resolve through the pod's DNS search path whatever the namespace.
// reconfigEnabled=false keeps this static membership authoritative (and
// ZooKeeper from writing into the read-only config directory);
// quorumListenOnAllIPs binds the quorum and election ports on every
// address instead of only the one the pod's own name resolves to. With one
// replica, standaloneEnabled is true and there are no server lines: the
// server runs standalone (ZooKeeper rejects a one-server ensemble line
// with an error in its log).
//
// settings replace properties of the same key in place (an empty value
// removes the property) or are appended, sorted by key.
func ZooKeeperConfig(name, service string, replicas int32, settings map[string]string) string {
	type prop struct{ key, value string }
	props := []prop{
		{"tickTime", "2000"},
		{"initLimit", "10"},
		{"syncLimit", "5"},
		{"dataDir", ZooKeeperDataDir + "/data"},
		{"clientPort", strconv.Itoa(int(ZooKeeperClientPort))},
		{"maxClientCnxns", "60"},
		{"autopurge.snapRetainCount", "3"},
		{"autopurge.purgeInterval", "12"},
		{"4lw.commands.whitelist", "srvr,ruok,mntr,conf"},
		{"admin.enableServer", "false"},
		{"reconfigEnabled", "false"},
		{"quorumListenOnAllIPs", "true"},
		{"standaloneEnabled", strconv.FormatBool(replicas == 1)},
	}
	if replicas > 1 {
		for i, h := range naming.PodHosts(name, service, 0, replicas) {
			props = append(props, prop{
				fmt.Sprintf("server.%d", i+1),
				fmt.Sprintf("%s:%d:%d", h, ZooKeeperServerPort, ZooKeeperElectionPort),
			})
		}
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		i := slices.IndexFunc(props, func(p prop) bool { return p.key == k })
		switch {
		case i >= 0 && settings[k] == "":
			props = slices.Delete(props, i, i+1)
		case i >= 0:
			props[i].value = settings[k]
		case settings[k] != "":
			props = append(props, prop{k, settings[k]})
		}
	}
	var b strings.Builder
	b.WriteString("# zoo.cfg generated by engines.ZooKeeper\n")
	for _, p := range props {
		b.WriteString(p.key + "=" + p.value + "\n")
	}
	return b.String()
}

// ZooKeeper returns the spec of a ZooKeeper ensemble named name.
//
// The generated ConfigMap holds a complete zoo.cfg (ZooKeeperConfig), the
// heap (ZooKeeperKeyHeap) and console logging configuration; it is
// projected to ZooKeeperConfigDir, the server's ZOOCFGDIR. The container
// runs ZooKeeperStartScript: it derives myid from the pod's ordinal
// ($HOSTNAME's numeric suffix + 1, so zk-0 is server.1), writes it into
// zoo.cfg's dataDir on the claim, and execs `zkServer.sh
// start-foreground`. The default image is DefaultZooKeeperImage.
//
// Readiness sends the four-letter word `srvr` to the client port and
// requires a "Mode:" line: the server serves requests, i.e. it belongs to
// a quorum (or runs standalone). Liveness sends `ruok` and requires
// `imok`. Both use bash's /dev/tcp, so the image needs no nc.
//
// Pod management is Parallel: readiness needs a quorum, so with
// OrderedReady pod 0 would wait for a quorum that the controller never
// starts (pod 1 is only created once pod 0 is Ready). The other choices:
// hard anti-affinity on the hostname (one server per node), the cluster's
// default PDB (cluster.DefaultBudget: it keeps a quorum, minAvailable 2 of
// 3, and is maxUnavailable 1 for 1 or 2 servers, whose quorum is every
// server, so that a drain is never blocked), the restricted security profile
// as uid/gid/fsGroup 1000, a 20Gi "datadir" claim at ZooKeeperDataDir, and
// a client Service "<name>-cs" next to the headless "<name>-hs".
//
// The membership is static: zoo.cfg lists the servers from Replicas, so
// scaling means calling the profile again with the new size (every server
// gets the new zoo.cfg and restarts, one at a time). This is deliberate and
// the only way a change of Replicas reaches the pod template: zoo.cfg is
// in the generated ConfigMap, whose content-hash name and checksum
// annotation the template carries, and a server reads its ensemble only
// when it starts (reconfigEnabled=false). Nothing else in the template
// depends on Replicas. The membership Job (zookeeper_membership.go) lets
// a change of Replicas through only when it is safe: every server that
// stays serves, a scale-down keeps a majority of the old servers, a
// scale-up adds fewer servers than a majority of the new list; otherwise
// `up` fails and names the size to go to first.
//
// Restarts and new pod IPs: a server announces its election address to
// the peers it dials as an IP, resolved from its own name in zoo.cfg when
// it starts, and a peer with a higher id connects back to that IP. A
// restarted pod has a new IP, and for a few seconds DNS may still give
// the old pod's: a server started then announces an address nobody
// answers at, stays out of the quorum (not Ready) until restarted, and
// the roll stops (seen on real nodes with ZooKeeper 3.8.0: "Cannot open
// channel to 2 at election address /<old IP>:3888" in the peers' logs).
// The start script therefore waits until its name resolves to its own
// address before it starts the server.
func ZooKeeper(name string, o ZooKeeperOptions) cluster.Spec {
	replicas := cmp.Or(o.Replicas, 3)
	image := cmp.Or(o.Image, DefaultZooKeeperImage)
	svc := cmp.Or(o.ServiceName, name+"-hs")
	zk := corev1.Container{
		Name:    "zookeeper",
		Image:   image,
		Command: []string{"sh", "-c", ZooKeeperStartScript()},
		Env: []corev1.EnvVar{
			{Name: "ZOOCFGDIR", Value: ZooKeeperConfigDir},
			cluster.ConfigEnv(ZooKeeperHeapEnv, ZooKeeperKeyHeap),
		},
		Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("500m"),
			corev1.ResourceMemory: resource.MustParse("1Gi"),
		}},
		ReadinessProbe: execProbe(fourLetterWord(ZooKeeperClientPort, "srvr", "Mode: "), 5, 5, 3),
		LivenessProbe:  execProbe(fourLetterWord(ZooKeeperClientPort, "ruok", "imok"), 30, 10, 6),
	}
	uid := cluster.DefaultUID
	return cluster.Spec{
		AppName:             "zookeeper",
		Version:             ImageVersion(image),
		Replicas:            replicas,
		PodManagementPolicy: appsv1.ParallelPodManagement,
		Ports: []network.Port{
			{Name: ZooKeeperPortClient, Port: ZooKeeperClientPort, Client: true},
			{Name: ZooKeeperPortServer, Port: ZooKeeperServerPort, Peer: true},
			{Name: ZooKeeperPortElection, Port: ZooKeeperElectionPort, Peer: true},
		},
		Network: cluster.Network{
			ServiceName: svc,
			Client:      &network.ClientService{Name: cmp.Or(o.ClientServiceName, name+"-cs")},
		},
		Containers: []corev1.Container{zk},
		Membership: zooKeeperMembership(),
		Claims: []cluster.Claim{{
			Name: DataClaimName, Size: cmp.Or(o.StorageSize, "20Gi"), MountPath: ZooKeeperDataDir,
		}},
		Config: &cluster.Config{
			MountPath: ZooKeeperConfigDir,
			Data: map[string]string{
				ZooKeeperKeyConfig:  ZooKeeperConfig(name, svc, replicas, o.Settings),
				ZooKeeperKeyHeap:    cmp.Or(o.Heap, "512M"),
				ZooKeeperKeyLogback: zooKeeperLogback,
				ZooKeeperKeyLog4j:   zooKeeperLog4j,
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

// zooKeeperDNSWait bounds, in seconds, the start script's wait for the
// server's own name to resolve to its pod's address.
const zooKeeperDNSWait = 120

// ZooKeeperStartScript is the server's start script (run by sh). It
// derives myid from the pod's ordinal ($HOSTNAME, or `hostname`, whose
// numeric suffix + 1 is the id: zk-0 is server.1), writes it to
// <dataDir>/myid where dataDir is read from $ZOOCFGDIR/zoo.cfg, waits (up
// to two minutes) until the server's name in zoo.cfg resolves to the
// pod's own address (`getent hosts`: the kubelet's /etc/hosts has the
// pod's address under its host name), sizes the
// JVM heap with -Xms/-Xmx from $ZK_HEAP_SIZE (prepended to any JVMFLAGS,
// so an explicit -Xmx there wins), and execs `zkServer.sh
// start-foreground`, which reads $ZOOCFGDIR/zoo.cfg. It fails, rather than
// guessing, when the host name has no ordinal or zoo.cfg no dataDir.
func ZooKeeperStartScript() string {
	return strings.Join([]string{
		"set -eu",
		`host=${HOSTNAME:-$(hostname)}`,
		`ordinal=${host##*-}`,
		`case "$ordinal" in`,
		`''|*[!0-9]*) echo "zookeeper: cannot derive myid from host name $host" >&2; exit 1 ;;`,
		`esac`,
		`myid=$((ordinal + 1))`,
		`data=$(sed -n 's/^dataDir=//p' "$ZOOCFGDIR/zoo.cfg" | tail -n 1)`,
		`if [ -z "$data" ]; then echo "zookeeper: no dataDir in $ZOOCFGDIR/zoo.cfg" >&2; exit 1; fi`,
		`mkdir -p "$data"`,
		`echo "$myid" > "$data/myid"`,
		// The address a server announces to its peers is its own name
		// from zoo.cfg, resolved once when it starts; a restarted pod has
		// a new IP, and until DNS has it that name still gives the old
		// pod's. Wait (bounded) until it gives this pod's address, which
		// the kubelet's /etc/hosts holds under the host name.
		`self=$(sed -n "s/^server\.$myid=\([^:;]*\).*/\1/p" "$ZOOCFGDIR/zoo.cfg" | tail -n 1)`,
		`own=$(getent hosts "$host" | awk '{ print $1; exit }')`,
		`n=0`,
		`while [ -n "$self" ] && [ -n "$own" ] && [ "$(getent hosts "$self" | awk '{ print $1; exit }')" != "$own" ]; do`,
		`  if [ "$n" -ge ` + strconv.Itoa(zooKeeperDNSWait) + ` ]; then echo "zookeeper: $self still does not resolve to this pod's address $own after $n s: starting anyway" >&2; break; fi`,
		`  if [ "$n" -eq 0 ]; then echo "zookeeper: waiting until $self resolves to this pod's address $own (the address the peers connect back to)"; fi`,
		`  n=$((n + 1))`,
		`  sleep 1`,
		`done`,
		`if [ "$n" -gt 0 ] && [ "$n" -lt ` + strconv.Itoa(zooKeeperDNSWait) + ` ]; then echo "zookeeper: $self resolves to $own after $n s"; fi`,
		`export JVMFLAGS="-Xms$ZK_HEAP_SIZE -Xmx$ZK_HEAP_SIZE${JVMFLAGS:+ $JVMFLAGS}"`,
		`echo "zookeeper: $host is server.$myid, config $ZOOCFGDIR/zoo.cfg, heap $ZK_HEAP_SIZE"`,
		`exec zkServer.sh start-foreground`,
	}, "\n")
}

// fourLetterWord is an exec probe command that sends a ZooKeeper
// four-letter word to 127.0.0.1:port through bash's /dev/tcp and succeeds
// when the answer contains want. ZooKeeper closes the connection after
// answering, which ends the read.
func fourLetterWord(port int32, word, want string) []string {
	return []string{"bash", "-c", fmt.Sprintf(
		`exec 3<>/dev/tcp/127.0.0.1/%d && printf %s >&3 && [[ "$(cat <&3)" == *%s* ]]`,
		port, word, strconv.Quote(want))}
}

// zooKeeperLogback logs INFO to the console with ZooKeeper's own pattern.
const zooKeeperLogback = `<configuration>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <encoder>
      <pattern>%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n</pattern>
    </encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="CONSOLE"/>
  </root>
</configuration>
`

// zooKeeperLog4j is zooKeeperLogback for log4j 1.x builds.
const zooKeeperLog4j = `log4j.rootLogger=INFO, CONSOLE
log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n
`
