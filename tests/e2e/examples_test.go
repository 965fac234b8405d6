//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/examples/cockroach"
	"github.com/ordinal-dev/ordinal/examples/etcd"
	"github.com/ordinal-dev/ordinal/examples/zookeeper"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// example describes how one of examples/* names what it creates.
type example struct {
	program pulumi.RunFunc
	// service and client name the governing and the client Service of a
	// cluster called name.
	service, client func(name string) string
	// init is true when the example has an init Job.
	init bool
	// podManagement is the StatefulSet's pod management policy.
	podManagement appsv1.PodManagementPolicyType
	// nsLabels label the test's namespace (restricted: every pod must be
	// admitted under Pod Security "restricted").
	nsLabels map[string]string
	// configDir, when set, is where the first container mounts the
	// projected config directory, which holds the generated ConfigMap;
	// config checks that ConfigMap's data, the container that reads it and
	// the stack outputs of a cluster called name.
	configDir string
	config    func(t *testing.T, name string, c corev1.Container, data map[string]string, out map[string]any)
}

var (
	cockroachExample = example{
		program:       cockroach.Program,
		service:       func(name string) string { return name },
		client:        func(name string) string { return name + "-public" },
		init:          true,
		podManagement: appsv1.ParallelPodManagement,
	}
	zookeeperExample = example{
		program:       zookeeper.Program,
		service:       func(name string) string { return name + "-hs" },
		client:        func(name string) string { return name + "-cs" },
		podManagement: appsv1.ParallelPodManagement,
		nsLabels:      restricted,
		configDir:     "/etc/ordinal/zookeeper",
		config: func(t *testing.T, name string, c corev1.Container, data map[string]string, out map[string]any) {
			t.Helper()
			keys := make([]string, 0, len(data))
			for k := range data {
				keys = append(keys, k)
			}
			assert.ElementsMatch(t, []string{"zoo.cfg", "jvm.heap", "logback.xml", "log4j.properties"}, keys, "ConfigMap keys")
			svc := name + "-hs"
			cfg := data["zoo.cfg"]
			assert.Equal(t, engines.ZooKeeperConfig(name, svc, 3, nil), cfg, "zoo.cfg is the profile's")
			lines := strings.Split(cfg, "\n")
			for i := 0; i < 3; i++ {
				assert.Contains(t, lines, fmt.Sprintf("server.%d=%s-%d.%s:2888:3888", i+1, name, i, svc), "zoo.cfg lists ordinal %d as server.%d", i, i+1)
			}
			assert.Contains(t, lines, "dataDir=/var/lib/zookeeper/data")
			assert.Contains(t, lines, "clientPort=2181")
			assert.Contains(t, lines, "standaloneEnabled=false")
			assert.Equal(t, "512M", data["jvm.heap"])
			assert.Contains(t, c.Env, corev1.EnvVar{Name: "ZOOCFGDIR", Value: "/etc/ordinal/zookeeper"}, "the server reads zoo.cfg from the projected directory")
			assert.Equal(t, fmt.Sprintf("%[1]s-0.%[2]s;%[1]s-1.%[2]s;%[1]s-2.%[2]s", name, svc), out["ensemble"])
		},
	}
	etcdExample = example{
		program:       etcd.Program,
		service:       func(name string) string { return name },
		client:        func(name string) string { return name + "-client" },
		podManagement: appsv1.ParallelPodManagement,
		nsLabels:      restricted,
		configDir:     "/etc/ordinal/etcd",
		config: func(t *testing.T, name string, c corev1.Container, data map[string]string, out map[string]any) {
			t.Helper()
			// The founding member alone; the others add themselves.
			assert.Equal(t, map[string]string{
				"ETCD_INITIAL_CLUSTER":       fmt.Sprintf("%[1]s-0=http://%[1]s-0.%[1]s:2380", name),
				"ETCD_INITIAL_CLUSTER_TOKEN": name,
				"ETCD_INITIAL_CLUSTER_STATE": "new",
			}, data, "ConfigMap data")
			assert.Equal(t, data["ETCD_INITIAL_CLUSTER"], out["initialCluster"])
			// etcd reads the settings as its own env vars, from that ConfigMap.
			for k := range data {
				found := false
				for _, e := range c.Env {
					if e.Name == k {
						found = true
						require.NotNil(t, e.ValueFrom, "env %s", k)
						require.NotNil(t, e.ValueFrom.ConfigMapKeyRef, "env %s is not a configMapKeyRef", k)
						assert.Equal(t, k, e.ValueFrom.ConfigMapKeyRef.Key, "env %s", k)
					}
				}
				assert.True(t, found, "container %s has no env %s", c.Name, k)
			}
		},
	}
)

// TestExampleCockroach deploys examples/cockroach (Parallel, with an init
// Job), checks what the API server holds, then runs `up` again unchanged.
func TestExampleCockroach(t *testing.T) {
	testExample(t, cockroachExample, "e2e-crdb", "crdb")
}

// TestExampleZooKeeper deploys examples/zookeeper (the root project's
// stack: a Parallel ensemble without init Job, configured by the zoo.cfg
// of its projected config directory) the same way, in a restricted
// namespace.
func TestExampleZooKeeper(t *testing.T) {
	testExample(t, zookeeperExample, "e2e-zk", "zk")
}

// TestExampleEtcd deploys examples/etcd (Parallel members without init
// Job, bootstrapped from the ETCD_INITIAL_* keys of the generated
// ConfigMap) the same way, in a restricted namespace.
func TestExampleEtcd(t *testing.T) {
	testExample(t, etcdExample, "e2e-etcd", "etcd")
}

func testExample(t *testing.T, ex example, ns, name string) {
	namespace(t, ns, ex.nsLabels)
	deletePoolVolumes(t, name+"-disks")
	s := newInlineStack(t, name, ex.program)
	s.setConfig(map[string]string{"namespace": ns, "name": name})
	checkExample(t, ex, s, ns, name)
}

// checkExample deploys the example of stack s, a cluster name in namespace
// ns (which exists) on pool name-disks, checks what the API server holds,
// then runs `up` again unchanged.
func checkExample(t *testing.T, ex example, s *stack, ns, name string) {
	pool := name + "-disks"

	done := step(t, "first up")
	upAdmitted(t, s, ns, "first")
	ps := waitPodsReady(t, ns, name, 3)
	assertClusterPlaced(t, ns, name, engines.DataClaimName, pool, ps)
	if ex.nsLabels != nil {
		assertRestrictedPods(t, ps)
	}
	assert.Empty(t, failedCreateEvents(t, ns), "FailedCreate events")
	var sts appsv1.StatefulSet
	getJSON(t, &sts, "statefulset", "-n", ns, name)
	assert.Equal(t, ex.podManagement, sts.Spec.PodManagementPolicy, "pod management policy")
	var job string
	if ex.init {
		j := assertInitOnce(t, ns, name)
		job = string(j.UID)
	} else {
		assert.Empty(t, initJobs(t, ns, name), "the example has no init Job")
	}
	out := s.outputs()
	assertNetworkOutputs(t, out, ns, name, ex.service(name), ex.client(name), 3)
	assert.Equal(t, pool, out["storageClassName"])
	if ex.init {
		assert.Equal(t, name+"-init", out["initJobName"])
	}
	if ex.configDir != "" {
		for n, p := range ps {
			c := p.Spec.Containers[0]
			assert.Contains(t, c.VolumeMounts, corev1.VolumeMount{Name: cluster.DefaultConfigVolumeName, MountPath: ex.configDir, ReadOnly: true},
				"pod %s mounts the config directory", n)
			cmName := podConfigMap(p)
			require.NotEmpty(t, cmName, "pod %s projects no ConfigMap", n)
			assert.True(t, strings.HasPrefix(cmName, name+"-config-"), "pod %s projects ConfigMap %s", n, cmName)
			var cm corev1.ConfigMap
			getJSON(t, &cm, "configmap", "-n", ns, cmName)
			ex.config(t, name, c, cm.Data, out)
		}
	}
	done()

	done = step(t, "second up, no change")
	res := s.up("unchanged")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "a second up changed something: %v %v", changes(res.Summary.ResourceChanges), res.Steps)
	again := pods(t, ns, name)
	for n, p := range ps {
		assert.Equal(t, p.UID, again[n].UID, "pod %s was re-created by an unchanged up", n)
	}
	if ex.init {
		j := assertInitOnce(t, ns, name)
		assert.Equal(t, job, string(j.UID), "the init Job ran again")
	}
	done()
}

// assertNetworkOutputs compares the stack's network outputs with the
// Services the API server holds.
func assertNetworkOutputs(t *testing.T, out map[string]any, ns, sts, svc, client string, replicas int) {
	t.Helper()
	var governing, public corev1.Service
	getJSON(t, &governing, "service", "-n", ns, svc)
	assert.Equal(t, corev1.ClusterIPNone, governing.Spec.ClusterIP, "governing Service %s is not headless", svc)
	assert.True(t, governing.Spec.PublishNotReadyAddresses, "governing Service %s must publish not-ready addresses", svc)
	getJSON(t, &public, "service", "-n", ns, client)
	assert.NotEqual(t, corev1.ClusterIPNone, public.Spec.ClusterIP, "client Service %s", client)

	assert.Equal(t, svc, out["serviceName"])
	assert.Equal(t, sts, out["statefulSetName"])
	assert.Equal(t, expectedFQDNs(sts, svc, ns, replicas), stringList(t, out["podFqdns"]))
	var want []string
	for _, p := range public.Spec.Ports {
		want = append(want, fmt.Sprintf("%s.%s.svc.cluster.local:%d", client, ns, p.Port))
	}
	require.NotEmpty(t, want, "client Service %s has no ports", client)
	assert.ElementsMatch(t, want, stringList(t, out["clientEndpoints"]))
}

// TestRestrictedNamespace deploys examples/cockroach into a namespace
// that enforces the "restricted" Pod Security Standard: every pod (the
// StatefulSet's and the init Job's) is admitted.
func TestRestrictedNamespace(t *testing.T) {
	ns := namespace(t, "e2e-restricted", map[string]string{
		"pod-security.kubernetes.io/enforce":         "restricted",
		"pod-security.kubernetes.io/enforce-version": "latest",
	})
	name := "crdb-psa"
	deletePoolVolumes(t, name+"-disks")
	s := newInlineStack(t, "restricted", cockroach.Program)
	s.setConfig(map[string]string{"namespace": ns, "name": name})

	done := step(t, "up in a restricted namespace")
	// A rejected pod never appears: stop at the first FailedCreate event
	// instead of waiting for the await timeout.
	_, err := s.upUntil("restricted", func() string {
		if ev := failedCreateEventsOrNil(ns); len(ev) > 0 {
			return "pods were rejected: " + strings.Join(ev, "; ")
		}
		return ""
	})
	require.NoError(t, err)
	ps := waitPodsReady(t, ns, name, 3)
	for n, p := range ps {
		require.NotNil(t, p.Spec.SecurityContext, "pod %s", n)
		assert.True(t, p.Spec.SecurityContext.RunAsNonRoot != nil && *p.Spec.SecurityContext.RunAsNonRoot, "pod %s runAsNonRoot", n)
	}
	assertInitOnce(t, ns, name)
	assert.Empty(t, failedCreateEvents(t, ns), "FailedCreate events")
	done()
}

// failedCreateEventsOrNil is failedCreateEvents for a poller: errors read
// as "nothing yet".
func failedCreateEventsOrNil(ns string) []string {
	var list corev1.EventList
	if err := tryGetJSON(&list, "events", "-n", ns); err != nil {
		return nil
	}
	return failedCreate(list)
}
