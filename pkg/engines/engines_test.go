package engines_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

type portWant struct {
	name         string
	port         int32
	client, peer bool
}

// profileCase is one profile with the facts every profile must satisfy.
type profileCase struct {
	name      string
	cluster   string
	spec      cluster.Spec
	opts      cluster.Options
	replicas  int32
	ports     []portWant
	pod       appsv1.PodManagementPolicyType
	claimPath string
	claimSize string
	// pdbMin / pdbMax are the budget's values; both nil means no budget.
	pdbMin, pdbMax *intstr.IntOrString
	// argsContain are substrings of the first container's command line.
	argsContain []string
	// initContains are substrings of the init Job's command line; nil means no init Job.
	initContains []string
	uid          int64
}

func intOr(v int32) *intstr.IntOrString { x := intstr.FromInt32(v); return &x }

func profileCases() []profileCase {
	return []profileCase{
		{
			name:     "cockroach insecure",
			cluster:  "db",
			spec:     engines.Cockroach("db", engines.CockroachOptions{}),
			replicas: 3,
			ports: []portWant{
				{name: "grpc", port: 26257, client: true, peer: true},
				{name: "http", port: 8080, client: true},
			},
			pod:       appsv1.ParallelPodManagement,
			claimPath: "/cockroach/cockroach-data",
			claimSize: "10Gi",
			pdbMax:    intOr(1),
			argsContain: []string{
				"start",
				"--join=db-0.db:26257,db-1.db:26257,db-2.db:26257",
				"--advertise-host=$(POD_NAME).db",
				"--insecure",
			},
			initContains: []string{"/cockroach/cockroach init --insecure --host=db-0.db:26257", "already been initialized"},
			uid:          1000,
		},
		{
			name:    "cockroach tls, five nodes, own service",
			cluster: "crdb",
			spec: engines.Cockroach("crdb", engines.CockroachOptions{
				Replicas: 5, ServiceName: "crdb-internal", StorageSize: "50Gi",
				TLS: &engines.CockroachTLS{NodeSecret: "crdb-node", ClientSecret: "crdb-root"},
			}),
			replicas: 5,
			ports: []portWant{
				{name: "grpc", port: 26257, client: true, peer: true},
				{name: "http", port: 8080, client: true},
			},
			pod:       appsv1.ParallelPodManagement,
			claimPath: "/cockroach/cockroach-data",
			claimSize: "50Gi",
			pdbMax:    intOr(1),
			argsContain: []string{
				"--join=crdb-0.crdb-internal:26257,crdb-1.crdb-internal:26257,crdb-2.crdb-internal:26257 ",
				"--advertise-host=$(POD_NAME).crdb-internal",
				"--certs-dir=/cockroach/cockroach-certs",
			},
			initContains: []string{"init --certs-dir=/cockroach/cockroach-certs --host=crdb-0.crdb-internal:26257"},
			uid:          1000,
		},
		{
			name:     "kaiwudb-style binary",
			cluster:  "kw",
			spec:     engines.Cockroach("kw", engines.CockroachOptions{Binary: "/kaiwudb/bin/kwbase", Image: "kwdb/kwdb:2.2.0", DataDir: "/kaiwudb/deploy/kwdb-container"}),
			replicas: 3,
			ports: []portWant{
				{name: "grpc", port: 26257, client: true, peer: true},
				{name: "http", port: 8080, client: true},
			},
			pod:          appsv1.ParallelPodManagement,
			claimPath:    "/kaiwudb/deploy/kwdb-container",
			claimSize:    "10Gi",
			pdbMax:       intOr(1),
			argsContain:  []string{"/kaiwudb/bin/kwbase start", "--store=path=/kaiwudb/deploy/kwdb-container"},
			initContains: []string{"/kaiwudb/bin/kwbase init --insecure --host=kw-0.kw:26257"},
			uid:          1000,
		},
		{
			name:     "zookeeper",
			cluster:  "zk",
			spec:     engines.ZooKeeper("zk", engines.ZooKeeperOptions{}),
			replicas: 3,
			ports: []portWant{
				{name: "client", port: 2181, client: true},
				{name: "server", port: 2888, peer: true},
				{name: "leader-election", port: 3888, peer: true},
			},
			pod:         appsv1.ParallelPodManagement,
			claimPath:   "/var/lib/zookeeper",
			claimSize:   "20Gi",
			pdbMin:      intOr(2),
			argsContain: []string{"sh -c", "myid=$((ordinal + 1))", `"$ZOOCFGDIR/zoo.cfg"`, "exec zkServer.sh start-foreground"},
			uid:         1000,
		},
		{
			name:        "zookeeper five servers",
			cluster:     "zk",
			spec:        engines.ZooKeeper("zk", engines.ZooKeeperOptions{Replicas: 5, StorageSize: "5Gi"}),
			replicas:    5,
			ports:       []portWant{{name: "client", port: 2181, client: true}, {name: "server", port: 2888, peer: true}, {name: "leader-election", port: 3888, peer: true}},
			pod:         appsv1.ParallelPodManagement,
			claimPath:   "/var/lib/zookeeper",
			claimSize:   "5Gi",
			pdbMin:      intOr(3),
			argsContain: []string{"zkServer.sh start-foreground"},
			uid:         1000,
		},
		{
			name:        "zookeeper standalone",
			cluster:     "zk",
			spec:        engines.ZooKeeper("zk", engines.ZooKeeperOptions{Replicas: 1, Image: "localhost/zookeeper:1"}),
			replicas:    1,
			ports:       []portWant{{name: "client", port: 2181, client: true}, {name: "server", port: 2888, peer: true}, {name: "leader-election", port: 3888, peer: true}},
			pod:         appsv1.ParallelPodManagement,
			claimPath:   "/var/lib/zookeeper",
			claimSize:   "20Gi",
			pdbMax:      intOr(1), // a quorum of 1 would block every drain
			argsContain: []string{"zkServer.sh start-foreground"},
			uid:         1000,
		},
		{
			name:     "etcd",
			cluster:  "etcd",
			spec:     engines.Etcd("etcd", engines.EtcdOptions{}),
			replicas: 3,
			ports: []portWant{
				{name: "client", port: 2379, client: true},
				{name: "peer", port: 2380, peer: true},
				{name: "metrics", port: 2381},
			},
			pod:       appsv1.ParallelPodManagement,
			claimPath: "/var/lib/etcd",
			claimSize: "1Gi",
			pdbMin:    intOr(2),
			argsContain: []string{
				"/usr/local/bin/etcd --name=$(POD_NAME)",
				"--data-dir=/var/lib/etcd/data",
				"--initial-advertise-peer-urls=http://$(POD_NAME).etcd:2380",
				"--advertise-client-urls=http://$(POD_NAME).etcd:2379",
				"--quota-backend-bytes=536870912",
			},
			uid: 1000,
		},
		{
			name:     "etcd five members, own services, local image",
			cluster:  "kv",
			spec:     engines.Etcd("kv", engines.EtcdOptions{Replicas: 5, ServiceName: "kv-peers", ClientServiceName: "kv", StorageSize: "40Gi", Image: "localhost/etcd:1"}),
			replicas: 5,
			ports: []portWant{
				{name: "client", port: 2379, client: true},
				{name: "peer", port: 2380, peer: true},
				{name: "metrics", port: 2381},
			},
			pod:       appsv1.ParallelPodManagement,
			claimPath: "/var/lib/etcd",
			claimSize: "40Gi",
			pdbMin:    intOr(3),
			argsContain: []string{
				"--initial-advertise-peer-urls=http://$(POD_NAME).kv-peers:2380",
				"--quota-backend-bytes=8589934592",
			},
			uid: 1000,
		},
		{
			name:      "mysql",
			cluster:   "mysql",
			spec:      engines.MySQL("mysql", engines.MySQLOptions{StorageClassName: "fast-local"}),
			opts:      cluster.Options{SecretKeys: []string{engines.MySQLRootPasswordKey}},
			replicas:  1,
			ports:     []portWant{{name: "mysql", port: 3306, client: true}},
			pod:       appsv1.OrderedReadyPodManagement,
			claimPath: "/var/lib/mysql",
			claimSize: "10Gi",
			argsContain: []string{
				"mariadb-install-db --no-defaults",
				"exec mariadbd --no-defaults",
				"--init-file=/proc/self/fd/3",
				"pwfile='/etc/ordinal/mysql/mysql-root-password'",
			},
			uid: 1000,
		},
		{
			name:      "mysql blocking evictions",
			cluster:   "mysql",
			spec:      engines.MySQL("mysql", engines.MySQLOptions{BlockEviction: true, StorageSize: "1Gi"}),
			opts:      cluster.Options{SecretKeys: []string{engines.MySQLRootPasswordKey}},
			replicas:  1,
			ports:     []portWant{{name: "mysql", port: 3306, client: true}},
			pod:       appsv1.OrderedReadyPodManagement,
			claimPath: "/var/lib/mysql",
			claimSize: "1Gi",
			pdbMax:    intOr(0),
			uid:       1000,
		},
	}
}

func commandLine(c corev1.Container) string {
	return strings.Join(append(append([]string{}, c.Command...), c.Args...), " ")
}

func TestProfiles(t *testing.T) {
	for _, tc := range profileCases() {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := cluster.New(tc.cluster, tc.spec, tc.opts)
			require.NoError(t, err, "the profile's spec must pass cluster validation")

			assert.Equal(t, tc.replicas, tc.spec.Replicas)
			require.Len(t, tc.spec.Ports, len(tc.ports))
			declared := map[string]bool{}
			for i, want := range tc.ports {
				got := tc.spec.Ports[i]
				assert.Equal(t, want, portWant{name: got.Name, port: got.Port, client: got.Client, peer: got.Peer})
				declared[got.Name] = true
			}

			sts := plan.StatefulSet
			assert.Equal(t, tc.pod, sts.Spec.PodManagementPolicy)
			main := sts.Spec.Template.Spec.Containers[0]
			var containerPorts []string
			for _, p := range main.Ports {
				containerPorts = append(containerPorts, p.Name)
			}
			for _, p := range tc.ports {
				assert.Contains(t, containerPorts, p.name, "the port is declared on the database container")
			}

			line := commandLine(main)
			for _, s := range tc.argsContain {
				assert.Contains(t, line, s)
			}

			// Probes exist and every named port they use is declared.
			require.NotNil(t, main.ReadinessProbe, "readiness probe")
			require.NotNil(t, main.LivenessProbe, "liveness probe")
			for _, pr := range []*corev1.Probe{main.ReadinessProbe, main.LivenessProbe} {
				switch {
				case pr.HTTPGet != nil:
					assert.True(t, declared[pr.HTTPGet.Port.StrVal], "httpGet port %q is declared", pr.HTTPGet.Port.StrVal)
				case pr.TCPSocket != nil:
					assert.True(t, declared[pr.TCPSocket.Port.StrVal], "tcpSocket port %q is declared", pr.TCPSocket.Port.StrVal)
				default:
					require.NotNil(t, pr.Exec)
					assert.NotEmpty(t, pr.Exec.Command)
				}
			}

			require.Len(t, sts.Spec.VolumeClaimTemplates, 1)
			claim := sts.Spec.VolumeClaimTemplates[0]
			assert.Equal(t, engines.DataClaimName, claim.Name)
			assert.Equal(t, tc.claimSize, claim.Spec.Resources.Requests.Storage().String())
			assert.Contains(t, main.VolumeMounts, corev1.VolumeMount{Name: engines.DataClaimName, MountPath: tc.claimPath})

			if tc.pdbMin == nil && tc.pdbMax == nil {
				assert.Nil(t, plan.PDB)
			} else {
				require.NotNil(t, plan.PDB)
				assert.Equal(t, tc.pdbMin, plan.PDB.Spec.MinAvailable)
				assert.Equal(t, tc.pdbMax, plan.PDB.Spec.MaxUnavailable)
			}

			if tc.initContains == nil {
				assert.Nil(t, plan.InitJob)
			} else {
				require.NotNil(t, plan.InitJob)
				job := plan.InitJob.Spec.Template.Spec
				assert.Equal(t, corev1.RestartPolicyOnFailure, job.RestartPolicy)
				initLine := commandLine(job.Containers[0])
				for _, s := range tc.initContains {
					assert.Contains(t, initLine, s)
				}
				assert.Equal(t, main.Image, job.Containers[0].Image, "the init Job runs the database image")
			}

			pod := sts.Spec.Template.Spec.SecurityContext
			require.NotNil(t, pod)
			assert.Equal(t, tc.uid, *pod.RunAsUser)
			assert.Equal(t, tc.uid, *pod.FSGroup)
			assert.NotEmpty(t, plan.Identity.Version, "the version label comes from the image tag")
		})
	}
}

func TestCockroachClientService(t *testing.T) {
	plan, err := cluster.New("db", engines.Cockroach("db", engines.CockroachOptions{}), cluster.Options{})
	require.NoError(t, err)
	require.NotNil(t, plan.Network.ClientService)
	assert.Equal(t, "db-public", plan.Network.ClientService.Name)
	var ports []string
	for _, p := range plan.Network.ClientService.Spec.Ports {
		ports = append(ports, p.Name)
	}
	assert.Equal(t, []string{"grpc", "http"}, ports)
	assert.True(t, plan.Network.Service.Spec.PublishNotReadyAddresses, "the init Job reaches pod 0 before it is Ready")

	main := plan.StatefulSet.Spec.Template.Spec.Containers[0]
	assert.Equal(t, "/health?ready=1", main.ReadinessProbe.HTTPGet.Path)
	assert.Equal(t, "/health", main.LivenessProbe.HTTPGet.Path)
	assert.Equal(t, corev1.URISchemeHTTP, main.ReadinessProbe.HTTPGet.Scheme)
	assert.Contains(t, main.Env, cluster.FieldEnv("POD_NAME", "metadata.name"), "$(POD_NAME) in the args comes from the downward API")
}

func TestCockroachJoinList(t *testing.T) {
	tests := []struct {
		name, service string
		want          string
	}{
		{"db", "", "db-0.db:26257,db-1.db:26257,db-2.db:26257"},
		{"db", "db", "db-0.db:26257,db-1.db:26257,db-2.db:26257"},
		{"db", "disco", "db-0.disco:26257,db-1.disco:26257,db-2.disco:26257"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, engines.CockroachJoinList(tc.name, tc.service))
		})
	}
}

func TestCockroachTLS(t *testing.T) {
	tests := []struct {
		name      string
		tls       engines.CockroachTLS
		wantFiles map[string]string // path -> "secret/key"
	}{
		{
			name: "node secret with default keys",
			tls:  engines.CockroachTLS{NodeSecret: "db-node"},
			wantFiles: map[string]string{
				"ca.crt": "db-node/ca.crt", "node.crt": "db-node/tls.crt", "node.key": "db-node/tls.key",
			},
		},
		{
			name: "custom keys and a root client secret",
			tls: engines.CockroachTLS{
				NodeSecret: "certs", CAKey: "ca", CertKey: "node-cert", KeyKey: "node-key",
				ClientSecret: "root", ClientCertKey: "cert", ClientKeyKey: "key",
			},
			wantFiles: map[string]string{
				"ca.crt": "certs/ca", "node.crt": "certs/node-cert", "node.key": "certs/node-key",
				"client.root.crt": "root/cert", "client.root.key": "root/key",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tls := tc.tls
			plan, err := cluster.New("db", engines.Cockroach("db", engines.CockroachOptions{TLS: &tls}), cluster.Options{})
			require.NoError(t, err)
			pod := plan.StatefulSet.Spec.Template.Spec
			var projected *corev1.ProjectedVolumeSource
			for _, v := range pod.Volumes {
				if v.Projected != nil {
					projected = v.Projected
				}
			}
			require.NotNil(t, projected, "certificates come through the projected volume")
			got := map[string]string{}
			for _, src := range projected.Sources {
				require.NotNil(t, src.Secret)
				for _, it := range src.Secret.Items {
					got[it.Path] = src.Secret.Name + "/" + it.Key
					require.NotNil(t, it.Mode)
					assert.Equal(t, int32(0o400), *it.Mode, "%s is private", it.Path)
				}
			}
			assert.Equal(t, tc.wantFiles, got)

			main := pod.Containers[0]
			assert.Contains(t, main.VolumeMounts, corev1.VolumeMount{Name: "certs", MountPath: engines.CockroachCertsDir, ReadOnly: true})
			assert.NotContains(t, main.Args, "--insecure")
			assert.Equal(t, corev1.URISchemeHTTPS, main.ReadinessProbe.HTTPGet.Scheme)
			assert.Equal(t, corev1.URISchemeHTTPS, main.LivenessProbe.HTTPGet.Scheme)

			job := plan.InitJob.Spec.Template.Spec
			assert.Contains(t, job.Containers[0].VolumeMounts, corev1.VolumeMount{Name: "certs", MountPath: engines.CockroachCertsDir, ReadOnly: true},
				"the init Job authenticates with the certificates too")
		})
	}
}

func TestZooKeeperConfig(t *testing.T) {
	three := strings.Join([]string{
		"# zoo.cfg generated by engines.ZooKeeper",
		"tickTime=2000",
		"initLimit=10",
		"syncLimit=5",
		"dataDir=/var/lib/zookeeper/data",
		"clientPort=2181",
		"maxClientCnxns=60",
		"autopurge.snapRetainCount=3",
		"autopurge.purgeInterval=12",
		"4lw.commands.whitelist=srvr,ruok,mntr,conf",
		"admin.enableServer=false",
		"reconfigEnabled=false",
		"quorumListenOnAllIPs=true",
		"standaloneEnabled=false",
		"server.1=zk-0.zk-hs:2888:3888",
		"server.2=zk-1.zk-hs:2888:3888",
		"server.3=zk-2.zk-hs:2888:3888",
	}, "\n") + "\n"
	tests := []struct {
		name             string
		cluster, service string
		replicas         int32
		settings         map[string]string
		want             string
		// wantLines and notLines are checked when want is empty.
		wantLines, notLines []string
	}{
		{name: "three servers", cluster: "zk", service: "zk-hs", replicas: 3, want: three},
		{
			name: "one server runs standalone, without server lines", cluster: "zk", service: "zk-hs", replicas: 1,
			wantLines: []string{"standaloneEnabled=true", "clientPort=2181", "dataDir=/var/lib/zookeeper/data", "reconfigEnabled=false"},
			notLines:  []string{"standaloneEnabled=false", "server.1=zk-0.zk-hs:2888:3888"},
		},
		{
			name: "five servers of another name", cluster: "coord", service: "disco", replicas: 5,
			wantLines: []string{"standaloneEnabled=false", "server.1=coord-0.disco:2888:3888", "server.5=coord-4.disco:2888:3888"},
			notLines:  []string{"server.6=coord-5.disco:2888:3888", "server.0=coord-0.disco:2888:3888"},
		},
		{
			name: "settings replace, add and remove properties", cluster: "zk", service: "zk-hs", replicas: 3,
			settings:  map[string]string{"tickTime": "3000", "snapCount": "50000", "admin.enableServer": "", "autopurge.snapRetainCount": "5"},
			wantLines: []string{"tickTime=3000", "snapCount=50000", "autopurge.snapRetainCount=5", "server.3=zk-2.zk-hs:2888:3888"},
			notLines:  []string{"tickTime=2000", "autopurge.snapRetainCount=3", "admin.enableServer=false"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := engines.ZooKeeperConfig(tc.cluster, tc.service, tc.replicas, tc.settings)
			if tc.want != "" {
				assert.Equal(t, tc.want, got)
				return
			}
			lines := strings.Split(got, "\n")
			for _, l := range tc.wantLines {
				assert.Contains(t, lines, l)
			}
			for _, l := range tc.notLines {
				assert.NotContains(t, lines, l)
			}
			keys := map[string]bool{}
			for _, l := range lines {
				if k, _, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
					assert.False(t, keys[k], "property %s appears twice", k)
					keys[k] = true
				}
			}
		})
	}
}

func TestZooKeeperSpec(t *testing.T) {
	spec := engines.ZooKeeper("zk", engines.ZooKeeperOptions{Heap: "2G", Settings: map[string]string{"tickTime": "2500"}})
	plan, err := cluster.New("zk", spec, cluster.Options{})
	require.NoError(t, err)

	require.NotNil(t, plan.ConfigMap)
	data := plan.ConfigMap.Data
	assert.ElementsMatch(t, []string{"zoo.cfg", "jvm.heap", "logback.xml", "log4j.properties"}, slices.Collect(maps.Keys(data)))
	assert.Equal(t, engines.ZooKeeperConfig("zk", "zk-hs", 3, map[string]string{"tickTime": "2500"}), data["zoo.cfg"])
	assert.Equal(t, "2G", data["jvm.heap"])
	assert.Contains(t, data["logback.xml"], `<root level="INFO">`)
	assert.Contains(t, data["log4j.properties"], "log4j.rootLogger=INFO, CONSOLE")

	pod := plan.StatefulSet.Spec.Template.Spec
	main := pod.Containers[0]
	assert.Equal(t, engines.DefaultZooKeeperImage, main.Image)
	assert.Equal(t, "zookeeper:3.8", main.Image)
	assert.Equal(t, []string{"sh", "-c", engines.ZooKeeperStartScript()}, main.Command)
	// ZOOCFGDIR is the projected directory; the heap is read from the ConfigMap.
	require.Len(t, main.Env, 2)
	assert.Equal(t, corev1.EnvVar{Name: "ZOOCFGDIR", Value: "/etc/ordinal/zookeeper"}, main.Env[0])
	assert.Equal(t, "ZK_HEAP_SIZE", main.Env[1].Name)
	require.NotNil(t, main.Env[1].ValueFrom.ConfigMapKeyRef)
	assert.Equal(t, plan.ConfigMap.Name, main.Env[1].ValueFrom.ConfigMapKeyRef.Name)
	assert.Equal(t, "jvm.heap", main.Env[1].ValueFrom.ConfigMapKeyRef.Key)
	// zoo.cfg and the rest are files in ZOOCFGDIR.
	assert.Contains(t, main.VolumeMounts, corev1.VolumeMount{Name: "config", MountPath: engines.ZooKeeperConfigDir, ReadOnly: true})
	var projected bool
	for _, v := range pod.Volumes {
		if v.Projected != nil {
			require.NotEmpty(t, v.Projected.Sources)
			assert.Equal(t, plan.ConfigMap.Name, v.Projected.Sources[0].ConfigMap.Name)
			assert.Empty(t, v.Projected.Sources[0].ConfigMap.Items, "every key, under its own name")
			projected = true
		}
	}
	assert.True(t, projected)

	// Four-letter words through bash's /dev/tcp, no nc.
	assert.Equal(t, []string{"bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/2181 && printf srvr >&3 && [[ "$(cat <&3)" == *"Mode: "* ]]`},
		main.ReadinessProbe.Exec.Command)
	assert.Equal(t, []string{"bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/2181 && printf ruok >&3 && [[ "$(cat <&3)" == *"imok"* ]]`},
		main.LivenessProbe.Exec.Command)
	for _, pr := range []*corev1.Probe{main.ReadinessProbe, main.LivenessProbe} {
		assert.NotContains(t, strings.Join(pr.Exec.Command, " "), "nc ")
	}

	assert.Equal(t, appsv1.ParallelPodManagement, plan.StatefulSet.Spec.PodManagementPolicy,
		"readiness needs a quorum: OrderedReady would wait for pod 0 forever")
	require.NotNil(t, pod.Affinity)
	require.Len(t, pod.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution, 1, "hard anti-affinity")
	assert.Equal(t, "kubernetes.io/hostname", pod.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].TopologyKey)
	assert.Equal(t, int64(1000), *pod.SecurityContext.RunAsUser)
	assert.Equal(t, int64(1000), *pod.SecurityContext.RunAsGroup)
	assert.Equal(t, int64(1000), *pod.SecurityContext.FSGroup)
	assert.True(t, *pod.SecurityContext.RunAsNonRoot)
	require.NotNil(t, plan.Network.ClientService)
	assert.Equal(t, "zk-cs", plan.Network.ClientService.Name)
	assert.Equal(t, "zk-hs", plan.Network.Service.Name)
	assert.Nil(t, plan.InitJob)
}

func TestZooKeeperPoolNeedsDistinctNodes(t *testing.T) {
	// Hard anti-affinity with local volumes: validation catches a pool with
	// too few nodes before anything is created.
	spec := engines.ZooKeeper("zk", engines.ZooKeeperOptions{})
	_, err := cluster.New("zk", spec, cluster.Options{Pool: twoNodePool(t)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "antiAffinity")
}

func TestMySQLPasswordOnlyFromSecret(t *testing.T) {
	spec := engines.MySQL("mysql", engines.MySQLOptions{StorageClassName: "fast-local"})
	plan, err := cluster.New("mysql", spec, cluster.Options{SecretKeys: []string{engines.MySQLRootPasswordKey}})
	require.NoError(t, err)
	pod := plan.StatefulSet.Spec.Template.Spec
	main := pod.Containers[0]
	assert.Equal(t, "mariadb:10.11", main.Image)
	assert.Empty(t, main.Env, "the password is a file, not an env var")
	assert.Nil(t, plan.ConfigMap)

	// The password file: the generated Secret's key, projected with mode 0440
	// into the config directory that the container mounts read-only.
	assert.Contains(t, main.VolumeMounts, corev1.VolumeMount{Name: "config", MountPath: "/etc/ordinal/mysql", ReadOnly: true})
	require.Len(t, pod.Volumes, 1)
	require.NotNil(t, pod.Volumes[0].Projected)
	require.Len(t, pod.Volumes[0].Projected.Sources, 1)
	src := pod.Volumes[0].Projected.Sources[0].Secret
	require.NotNil(t, src)
	assert.Equal(t, cluster.GeneratedSecret, src.Name)
	require.Len(t, src.Items, 1)
	assert.Equal(t, engines.MySQLRootPasswordKey, src.Items[0].Key)
	assert.Equal(t, engines.MySQLRootPasswordKey, src.Items[0].Path)
	assert.Equal(t, int32(0o440), *src.Items[0].Mode, "readable by the fsGroup the server runs in")
	assert.Equal(t, int64(1000), *pod.SecurityContext.FSGroup)
	assert.Equal(t, int64(1000), *pod.SecurityContext.RunAsGroup)

	// The start script and the readiness probe read that file.
	file := "'/etc/ordinal/mysql/mysql-root-password'"
	assert.Contains(t, main.Command[2], "pwfile="+file)
	assert.Equal(t, []string{"sh", "-c", "MYSQL_PWD=$(cat " + file + "); export MYSQL_PWD; " +
		"exec mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P 3306 -u root --connect-timeout=3 -N -e 'SELECT 1' >/dev/null"},
		main.ReadinessProbe.Exec.Command)
	assert.Equal(t, "mysql", main.LivenessProbe.TCPSocket.Port.StrVal)
	assert.Equal(t, "mysql", main.StartupProbe.TCPSocket.Port.StrVal)
	assert.Equal(t, int32(120), main.StartupProbe.FailureThreshold, "the first start initializes the data directory")

	sts, _ := plan.Resolve(cluster.Deployed{SecretName: "mysql-secret-abc"})
	assert.Equal(t, "mysql-secret-abc", sts.Spec.Template.Spec.Volumes[0].Projected.Sources[0].Secret.Name)
	assert.Equal(t, "fast-local", *sts.Spec.VolumeClaimTemplates[0].Spec.StorageClassName)

	// Without the secret data the spec is rejected before anything exists.
	_, err = cluster.New("mysql", spec, cluster.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.config")
	assert.Contains(t, err.Error(), "secret data")
}

func TestMySQLExtraArgs(t *testing.T) {
	spec := engines.MySQL("db", engines.MySQLOptions{ExtraArgs: []string{"--innodb-buffer-pool-size=1G", "--sql-mode=it's $(not) run"}})
	script := spec.Containers[0].Command[2]
	assert.True(t, strings.HasSuffix(script, `--init-file=/proc/self/fd/3 \
  '--innodb-buffer-pool-size=1G' \
  '--sql-mode=it'\''s $(not) run'`), script)
}

// TestNoSecretLiterals: no profile puts a secret, or anything that looks
// like one, into an env value or a command line.
func TestNoSecretLiterals(t *testing.T) {
	const password = "hunter2-do-not-leak"
	for _, tc := range profileCases() {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := cluster.New(tc.cluster, tc.spec, tc.opts)
			require.NoError(t, err)
			pod := plan.StatefulSet.Spec.Template.Spec
			for _, c := range append(append([]corev1.Container{}, pod.InitContainers...), pod.Containers...) {
				for _, e := range c.Env {
					if e.ValueFrom != nil {
						assert.Nil(t, e.ValueFrom.SecretKeyRef, "container %s env %s: the profiles read secrets from files", c.Name, e.Name)
						continue
					}
					assert.NotRegexp(t, `(?i)pass|secret|token|key`, e.Name, "container %s env %s holds a literal", c.Name, e.Name)
				}
				line := commandLine(c)
				for _, pr := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe, c.StartupProbe} {
					if pr != nil && pr.Exec != nil {
						line += " " + strings.Join(pr.Exec.Command, " ")
					}
				}
				assert.NotContains(t, line, password)
				assert.NotRegexp(t, `(^|\s)(--password|-p\S)`, line, "container %s: no password on a command line", c.Name)
			}
			// The generated ConfigMap never holds secret data.
			if plan.ConfigMap != nil {
				for k := range plan.ConfigMap.Data {
					for _, sk := range tc.opts.SecretKeys {
						assert.NotEqual(t, sk, k)
					}
				}
			}
		})
	}
}

func TestEtcdInitialCluster(t *testing.T) {
	tests := []struct {
		name, service string
		replicas      int32
		want          string
	}{
		{"etcd", "", 1, "etcd-0=http://etcd-0.etcd:2380"},
		{"etcd", "etcd", 3, "etcd-0=http://etcd-0.etcd:2380,etcd-1=http://etcd-1.etcd:2380,etcd-2=http://etcd-2.etcd:2380"},
		{"kv", "kv-peers", 2, "kv-0=http://kv-0.kv-peers:2380,kv-1=http://kv-1.kv-peers:2380"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, engines.EtcdInitialCluster(tc.name, tc.service, tc.replicas))
		})
	}
}

func TestEtcdSpec(t *testing.T) {
	spec := engines.Etcd("etcd", engines.EtcdOptions{ExtraArgs: []string{"--log-level=warn"}})
	plan, err := cluster.New("etcd", spec, cluster.Options{})
	require.NoError(t, err)
	pod := plan.StatefulSet.Spec.Template.Spec
	main := pod.Containers[0]
	assert.Equal(t, "etcd", main.Name)
	assert.Equal(t, "quay.io/coreos/etcd:v3.6.16", main.Image)
	assert.Equal(t, "v3.6.16", plan.Identity.Version)

	// The start script runs under the busybox the tools init container
	// copies (the image has no shell) and execs etcd's own command line:
	// the binary with plain arguments, $(POD_NAME) expanded by Kubernetes.
	assert.Equal(t, []string{"/ordinal/tools/bin/sh", "-c", engines.EtcdStartScript(), "etcd-start"}, main.Command)
	assert.Equal(t, []string{
		"/usr/local/bin/etcd",
		"--name=$(POD_NAME)",
		"--data-dir=/var/lib/etcd/data",
		"--listen-peer-urls=http://0.0.0.0:2380",
		"--listen-client-urls=http://0.0.0.0:2379",
		"--listen-metrics-urls=http://0.0.0.0:2381",
		"--initial-advertise-peer-urls=http://$(POD_NAME).etcd:2380",
		"--advertise-client-urls=http://$(POD_NAME).etcd:2379",
		"--auto-compaction-mode=periodic",
		"--auto-compaction-retention=1h",
		"--quota-backend-bytes=536870912",
		"--log-level=warn",
	}, main.Args)
	assert.Contains(t, main.Command[2], `exec "$@"`, "the script ends in etcd's command line")
	for _, a := range main.Args {
		assert.NotContains(t, a, "--config-file", "etcd ignores flags and env with a config file")
		assert.NotContains(t, a, "--initial-cluster", "the initial cluster comes from env vars")
	}
	require.Len(t, pod.InitContainers, 1)
	tools := pod.InitContainers[0]
	assert.Equal(t, engines.EtcdToolsContainer, tools.Name)
	assert.Equal(t, engines.DefaultEtcdToolsImage, tools.Image)
	assert.Equal(t, []corev1.VolumeMount{{Name: "tools", MountPath: "/ordinal/tools"}}, tools.VolumeMounts)
	assert.Contains(t, main.VolumeMounts, corev1.VolumeMount{Name: "tools", MountPath: "/ordinal/tools"})
	assert.Contains(t, pod.Volumes, corev1.Volume{Name: "tools", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})

	// The founding member alone bootstraps; every other member adds itself.
	require.NotNil(t, plan.ConfigMap)
	assert.Equal(t, map[string]string{
		"ETCD_INITIAL_CLUSTER":       "etcd-0=http://etcd-0.etcd:2380",
		"ETCD_INITIAL_CLUSTER_TOKEN": "etcd",
		"ETCD_INITIAL_CLUSTER_STATE": "new",
	}, plan.ConfigMap.Data)
	require.Len(t, main.Env, 8)
	assert.Equal(t, cluster.FieldEnv("POD_NAME", "metadata.name"), main.Env[0], "$(POD_NAME) comes from the downward API")
	for _, e := range main.Env[1:4] {
		require.NotNil(t, e.ValueFrom.ConfigMapKeyRef, e.Name)
		assert.Equal(t, plan.ConfigMap.Name, e.ValueFrom.ConfigMapKeyRef.Name)
		assert.Equal(t, e.Name, e.ValueFrom.ConfigMapKeyRef.Key, "the key is the env var's name")
	}
	assert.Equal(t, []corev1.EnvVar{
		{Name: "ORDINAL_ETCD_PEER_URL", Value: "http://$(POD_NAME).etcd:2380"},
		{Name: "ORDINAL_ETCD_ENDPOINTS", Value: "http://etcd:2379"},
		{Name: "PATH", Value: "/ordinal/tools/bin:/usr/local/bin:/usr/bin:/bin"},
		{Name: "ORDINAL_ETCDCTL", Value: "/usr/local/bin/etcdctl"},
	}, main.Env[4:])
	// Every $(VAR) in the arguments is defined before use.
	defined := map[string]bool{}
	for _, e := range main.Env {
		defined[e.Name] = true
	}
	for _, a := range main.Args {
		for _, m := range regexp.MustCompile(`\$\(([A-Z_]+)\)`).FindAllStringSubmatch(a, -1) {
			assert.True(t, defined[m[1]], "%s uses undefined $(%s)", a, m[1])
		}
	}

	assert.Equal(t, "/readyz", main.ReadinessProbe.HTTPGet.Path)
	assert.Equal(t, "client", main.ReadinessProbe.HTTPGet.Port.StrVal)
	assert.Equal(t, "/livez", main.LivenessProbe.HTTPGet.Path)
	assert.Equal(t, "metrics", main.LivenessProbe.HTTPGet.Port.StrVal, "served before the member joins a quorum")
	assert.Equal(t, "/livez", main.StartupProbe.HTTPGet.Path)
	assert.Equal(t, "metrics", main.StartupProbe.HTTPGet.Port.StrVal)

	assert.Equal(t, appsv1.ParallelPodManagement, plan.StatefulSet.Spec.PodManagementPolicy)
	require.Len(t, pod.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution, 1, "hard anti-affinity")
	assert.Equal(t, int64(1000), *pod.SecurityContext.RunAsUser)
	assert.Equal(t, int64(1000), *pod.SecurityContext.RunAsGroup)
	assert.Equal(t, int64(1000), *pod.SecurityContext.FSGroup)
	assert.Equal(t, "etcd", plan.Network.Service.Name)
	assert.True(t, plan.Network.Service.Spec.PublishNotReadyAddresses, "peers resolve each other before they are Ready")
	require.NotNil(t, plan.Network.ClientService)
	assert.Equal(t, "etcd-client", plan.Network.ClientService.Name)
	require.Len(t, plan.Network.ClientService.Spec.Ports, 1)
	assert.Equal(t, int32(2379), plan.Network.ClientService.Spec.Ports[0].Port)
	assert.Nil(t, plan.InitJob)

	// The membership Job: the etcd image's etcdctl under the same busybox.
	require.NotNil(t, plan.MembershipJob)
	assert.Equal(t, "etcd-members-3", plan.MembershipJob.Name)
	job := plan.MembershipJob.Spec.Template.Spec
	require.Len(t, job.Containers, 1)
	assert.Equal(t, "quay.io/coreos/etcd:v3.6.16", job.Containers[0].Image, "etcdctl of the etcd image")
	assert.Equal(t, []string{"/ordinal/tools/bin/sh", "-c", engines.EtcdMembershipScript(), "etcd-membership"}, job.Containers[0].Command)
	assert.Equal(t, []corev1.VolumeMount{{Name: "tools", MountPath: "/ordinal/tools"}}, job.Containers[0].VolumeMounts)
	require.Len(t, job.InitContainers, 1)
	assert.Equal(t, tools.Command, job.InitContainers[0].Command, "the same tools")
}

func TestEtcdQuota(t *testing.T) {
	tests := []struct {
		size string
		want int64
	}{
		{"1Gi", 512 << 20},
		{"10Gi", 5 << 30},
		{"100Gi", 8 << 30},
		{"not a size", 0},
	}
	for _, tc := range tests {
		t.Run(tc.size, func(t *testing.T) {
			assert.Equal(t, tc.want, engines.EtcdQuota(tc.size))
			args := engines.Etcd("e", engines.EtcdOptions{StorageSize: tc.size}).Containers[0].Args
			flag := fmt.Sprintf("--quota-backend-bytes=%d", tc.want)
			if tc.want == 0 {
				for _, a := range args {
					assert.NotContains(t, a, "--quota-backend-bytes")
				}
			} else {
				assert.Contains(t, args, flag)
			}
		})
	}
}

func TestEtcdTokenAndSizes(t *testing.T) {
	spec := engines.Etcd("kv", engines.EtcdOptions{Replicas: 5, ClusterToken: "kv-prod-1"})
	assert.Equal(t, "kv-prod-1", spec.Config.Data[engines.EtcdKeyInitialClusterToken])
	assert.Equal(t, engines.EtcdInitialCluster("kv", "kv", 1), spec.Config.Data[engines.EtcdKeyInitialCluster], "the founding member alone, whatever the size")
	// Hard anti-affinity with local volumes: three members need three nodes.
	_, err := cluster.New("etcd", engines.Etcd("etcd", engines.EtcdOptions{}), cluster.Options{Pool: twoNodePool(t)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "antiAffinity")
}

func TestOverrides(t *testing.T) {
	spec := engines.ZooKeeper("zk", engines.ZooKeeperOptions{Settings: map[string]string{"autopurge.snapRetainCount": "5"}})
	spec.Scheduling.AntiAffinity = cluster.AntiAffinitySoft
	spec.Config.Data[engines.ZooKeeperKeyHeap] = "1G"
	spec.Containers[0].Image = "example.com/zookeeper:3.9.2"
	plan, err := cluster.New("zk", spec, cluster.Options{Pool: twoNodePool(t)})
	require.NoError(t, err, "soft anti-affinity lifts the one-node-per-pod rule")
	assert.Contains(t, plan.ConfigMap.Data["zoo.cfg"], "\nautopurge.snapRetainCount=5\n")
	assert.Equal(t, "1G", plan.ConfigMap.Data["jvm.heap"])
	assert.Equal(t, "example.com/zookeeper:3.9.2", plan.StatefulSet.Spec.Template.Spec.Containers[0].Image)

	// The profile's own values are untouched by edits of another spec.
	fresh := engines.ZooKeeper("zk", engines.ZooKeeperOptions{})
	assert.Contains(t, fresh.Config.Data[engines.ZooKeeperKeyConfig], "\nautopurge.snapRetainCount=3\n")
	assert.Equal(t, "512M", fresh.Config.Data[engines.ZooKeeperKeyHeap])
	assert.Equal(t, engines.DefaultZooKeeperImage, fresh.Containers[0].Image)
}

func TestImageVersion(t *testing.T) {
	tests := []struct{ image, want string }{
		{"cockroachdb/cockroach:v24.3.6", "v24.3.6"},
		{"mysql:8.4", "8.4"},
		{"mariadb:10.11", "10.11"},
		{"localhost/etcd:1", "1"},
		{"mysql", ""},
		{"localhost:5000/mysql", ""},
		{"localhost:5000/mysql:8.0", "8.0"},
		{"mysql@sha256:0123456789abcdef", ""},
		{"img:" + strings.Repeat("x", 64), ""},
	}
	for _, tc := range tests {
		t.Run(tc.image, func(t *testing.T) {
			assert.Equal(t, tc.want, engines.ImageVersion(tc.image))
		})
	}
}

func twoNodePool(t *testing.T) *localpv.Plan {
	t.Helper()
	// Two volumes on each of two nodes: room for three claims, but not on
	// three distinct nodes.
	pool, err := localpv.New("local", localpv.Spec{
		Nodes: []string{"node-0", "node-1"}, Path: "/mnt/disks/ssd0", Capacity: "20Gi",
		Volumes: []localpv.Volume{{Node: "node-0", Path: "/mnt/disks/ssd1"}, {Node: "node-1", Path: "/mnt/disks/ssd1"}},
	})
	require.NoError(t, err)
	require.Len(t, pool.DistinctNodes(), 2)
	return pool
}

func TestMySQLDatabaseInitJob(t *testing.T) {
	tests := []struct {
		name, database string
		wantJob        bool
		wantSQL        string
	}{
		{"no database, no Job", "", false, ""},
		{"plain name", "app", true, "CREATE DATABASE IF NOT EXISTS `app`"},
		{"backtick doubled inside the identifier", "a`b", true, "CREATE DATABASE IF NOT EXISTS `a``b`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := engines.MySQL("db", engines.MySQLOptions{Database: tc.database})
			if !tc.wantJob {
				assert.Nil(t, s.Init)
				assert.False(t, s.Config.InitJob, "no Job: the directory is not mounted for one")
				return
			}
			require.NotNil(t, s.Init)
			assert.True(t, s.Config.InitJob, "the Job reads the password from the projected directory")
			script := s.Init.Command[2]
			assert.Contains(t, script, "-h 'db-0.db'", "pod 0 through the governing Service")
			assert.Contains(t, script, tc.wantSQL)
			assert.Empty(t, s.Init.Env, "the password comes from the file, not from env")
		})
	}
}
