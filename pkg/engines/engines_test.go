package engines_test

import (
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
				"--join=crdb-0.crdb-internal:26257,crdb-1.crdb-internal:26257,crdb-2.crdb-internal:26257,crdb-3.crdb-internal:26257,crdb-4.crdb-internal:26257",
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
			pod:         appsv1.OrderedReadyPodManagement,
			claimPath:   "/var/lib/zookeeper",
			claimSize:   "20Gi",
			pdbMin:      intOr(2),
			argsContain: []string{"MYID=$((ORD + 1))", "server.$i=$h:2888:3888", "zkServer.sh start-foreground"},
			uid:         1000,
		},
		{
			name:        "zookeeper five servers",
			cluster:     "zk",
			spec:        engines.ZooKeeper("zk", engines.ZooKeeperOptions{Replicas: 5, StorageSize: "5Gi"}),
			replicas:    5,
			ports:       []portWant{{name: "client", port: 2181, client: true}, {name: "server", port: 2888, peer: true}, {name: "leader-election", port: 3888, peer: true}},
			pod:         appsv1.OrderedReadyPodManagement,
			claimPath:   "/var/lib/zookeeper",
			claimSize:   "5Gi",
			pdbMin:      intOr(3),
			argsContain: []string{"ZK_ENSEMBLE"},
			uid:         1000,
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
			uid:       999,
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
			uid:       999,
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
	require.NotNil(t, plan.Network.ClientSvc)
	assert.Equal(t, "db-public", plan.Network.ClientSvc.Name)
	var ports []string
	for _, p := range plan.Network.ClientSvc.Spec.Ports {
		ports = append(ports, p.Name)
	}
	assert.Equal(t, []string{"grpc", "http"}, ports)
	assert.True(t, plan.Network.Governing.Spec.PublishNotReadyAddresses, "the init Job reaches pod 0 before it is Ready")

	main := plan.StatefulSet.Spec.Template.Spec.Containers[0]
	assert.Equal(t, "/health?ready=1", main.ReadinessProbe.HTTPGet.Path)
	assert.Equal(t, "/health", main.LivenessProbe.HTTPGet.Path)
	assert.Equal(t, corev1.URISchemeHTTP, main.ReadinessProbe.HTTPGet.Scheme)
	assert.Contains(t, main.Env, cluster.FieldEnv("POD_NAME", "metadata.name"), "$(POD_NAME) in the args comes from the downward API")
}

func TestCockroachJoinList(t *testing.T) {
	tests := []struct {
		name, service string
		replicas      int32
		want          string
	}{
		{"db", "", 1, "db-0.db:26257"},
		{"db", "db", 3, "db-0.db:26257,db-1.db:26257,db-2.db:26257"},
		{"db", "disco", 2, "db-0.disco:26257,db-1.disco:26257"},
		{"db", "db", 9, "db-0.db:26257,db-1.db:26257,db-2.db:26257,db-3.db:26257,db-4.db:26257"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, engines.CockroachJoinList(tc.name, tc.service, tc.replicas))
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
	spec := engines.ZooKeeper("zk", engines.ZooKeeperOptions{Heap: "2G"})
	plan, err := cluster.New("zk", spec, cluster.Options{})
	require.NoError(t, err)

	require.NotNil(t, plan.ConfigMap)
	assert.Equal(t, map[string]string{
		"ensemble":       "zk-0.zk-hs;zk-1.zk-hs;zk-2.zk-hs",
		"jvm.heap":       "2G",
		"tick":           "2000",
		"init":           "10",
		"sync":           "5",
		"client.cnxns":   "60",
		"snap.retain":    "3",
		"purge.interval": "12",
	}, plan.ConfigMap.Data)

	pod := plan.StatefulSet.Spec.Template.Spec
	main := pod.Containers[0]
	// Every key reaches the server as an env var from the generated ConfigMap ...
	envKeys := map[string]string{}
	for _, e := range main.Env {
		require.NotNil(t, e.ValueFrom)
		require.NotNil(t, e.ValueFrom.ConfigMapKeyRef)
		assert.Equal(t, plan.ConfigMap.Name, e.ValueFrom.ConfigMapKeyRef.Name)
		envKeys[e.ValueFrom.ConfigMapKeyRef.Key] = e.Name
	}
	for k := range plan.ConfigMap.Data {
		assert.Contains(t, envKeys, k)
	}
	// ... and as files in the projected volume.
	assert.Contains(t, main.VolumeMounts, corev1.VolumeMount{Name: "config", MountPath: engines.ZooKeeperConfigDir, ReadOnly: true})
	var projected bool
	for _, v := range pod.Volumes {
		if v.Projected != nil {
			require.NotEmpty(t, v.Projected.Sources)
			assert.Equal(t, plan.ConfigMap.Name, v.Projected.Sources[0].ConfigMap.Name)
			projected = true
		}
	}
	assert.True(t, projected)

	require.NotNil(t, pod.Affinity)
	require.Len(t, pod.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution, 1, "hard anti-affinity")
	assert.Equal(t, "kubernetes.io/hostname", pod.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution[0].TopologyKey)
	assert.Equal(t, []string{"sh", "-c", "zookeeper-ready 2181"}, main.ReadinessProbe.Exec.Command)
	assert.Equal(t, []string{"sh", "-c", "zookeeper-ready 2181"}, main.LivenessProbe.Exec.Command)
	require.NotNil(t, plan.Network.ClientSvc)
	assert.Equal(t, "zk-cs", plan.Network.ClientSvc.Name)
	assert.Equal(t, "zk-hs", plan.Network.Governing.Name)
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
	main := plan.StatefulSet.Spec.Template.Spec.Containers[0]
	require.Len(t, main.Env, 1)
	env := main.Env[0]
	assert.Equal(t, "MYSQL_ROOT_PASSWORD", env.Name)
	assert.Empty(t, env.Value, "never a literal password")
	require.NotNil(t, env.ValueFrom.SecretKeyRef)
	assert.Equal(t, engines.MySQLRootPasswordKey, env.ValueFrom.SecretKeyRef.Key)

	sts, _ := plan.Resolve(cluster.Deployed{SecretName: "mysql-secret-abc"})
	assert.Equal(t, "mysql-secret-abc", sts.Spec.Template.Spec.Containers[0].Env[0].ValueFrom.SecretKeyRef.Name)
	assert.Equal(t, "fast-local", *sts.Spec.VolumeClaimTemplates[0].Spec.StorageClassName)

	// Without the secret key the spec is rejected, naming the field.
	_, err = cluster.New("mysql", spec, cluster.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "secretKeyRef")
}

func TestOverrides(t *testing.T) {
	spec := engines.ZooKeeper("zk", engines.ZooKeeperOptions{})
	spec.Scheduling.AntiAffinity = cluster.AntiAffinitySoft
	spec.Config.Data[engines.ZooKeeperKeySnapRetain] = "5"
	spec.Containers[0].Image = "example.com/zookeeper:3.9.2"
	plan, err := cluster.New("zk", spec, cluster.Options{Pool: twoNodePool(t)})
	require.NoError(t, err, "soft anti-affinity lifts the one-node-per-pod rule")
	assert.Equal(t, "5", plan.ConfigMap.Data["snap.retain"])
	assert.Equal(t, "example.com/zookeeper:3.9.2", plan.StatefulSet.Spec.Template.Spec.Containers[0].Image)

	// The profile's own values are untouched by edits of another spec.
	fresh := engines.ZooKeeper("zk", engines.ZooKeeperOptions{})
	assert.Equal(t, "3", fresh.Config.Data[engines.ZooKeeperKeySnapRetain])
	assert.Equal(t, engines.DefaultZooKeeperImage, fresh.Containers[0].Image)
}

func TestImageVersion(t *testing.T) {
	tests := []struct{ image, want string }{
		{"cockroachdb/cockroach:v24.3.6", "v24.3.6"},
		{"mysql:8.4", "8.4"},
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
