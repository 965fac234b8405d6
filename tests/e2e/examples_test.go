//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/examples/cockroach"
	"github.com/ordinal-dev/ordinal/examples/zookeeper"
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
}

var (
	cockroachExample = example{
		program: cockroach.Program,
		service: func(name string) string { return name },
		client:  func(name string) string { return name + "-public" },
		init:    true,
	}
	zookeeperExample = example{
		program: zookeeper.Program,
		service: func(name string) string { return name + "-hs" },
		client:  func(name string) string { return name + "-cs" },
	}
)

// TestExampleCockroach deploys examples/cockroach (the default stack),
// checks what the API server holds, then runs `up` again unchanged.
func TestExampleCockroach(t *testing.T) {
	testExample(t, cockroachExample, "e2e-crdb", "crdb")
}

// TestExampleZooKeeper deploys examples/zookeeper (an OrderedReady
// ensemble without init Job) the same way.
func TestExampleZooKeeper(t *testing.T) {
	testExample(t, zookeeperExample, "e2e-zk", "zk")
}

func testExample(t *testing.T, ex example, ns, name string) {
	namespace(t, ns, nil)
	pool := name + "-disks"
	deletePoolVolumes(t, pool)
	s := newInlineStack(t, name, ex.program)
	s.setConfig(map[string]string{"namespace": ns, "name": name})

	done := step(t, "first up")
	s.up("first")
	ps := waitPodsReady(t, ns, name, 3)
	assertClusterPlaced(t, ns, name, engines.DataClaimName, pool, ps)
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

// TestRestrictedNamespace deploys the default example into a namespace
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
