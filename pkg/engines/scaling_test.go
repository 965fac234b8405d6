package engines_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// scalingCase is one profile planned at several replica counts.
type scalingCase struct {
	name    string
	cluster string
	opts    cluster.Options
	spec    func(replicas int32) cluster.Spec
	// replicas are the sizes planned; each is compared with the first.
	replicas []int32
	// membershipInConfig marks the profiles whose generated ConfigMap holds
	// the member list: a new size is a new ConfigMap, whose content-hash
	// name and checksum the pod template names, so the pods roll on
	// purpose. Nothing else in their template may change.
	membershipInConfig bool
}

func scalingCases() []scalingCase {
	return []scalingCase{
		{
			name: "cockroach", cluster: "db", replicas: []int32{3, 4, 2, 1, 5, 9},
			spec: func(n int32) cluster.Spec { return engines.Cockroach("db", engines.CockroachOptions{Replicas: n}) },
		},
		{
			name: "cockroach tls, own service", cluster: "crdb", replicas: []int32{4, 5, 3},
			spec: func(n int32) cluster.Spec {
				return engines.Cockroach("crdb", engines.CockroachOptions{
					Replicas: n, ServiceName: "crdb-internal",
					TLS: &engines.CockroachTLS{NodeSecret: "crdb-node", ClientSecret: "crdb-root"},
				})
			},
		},
		{
			// A single instance: the profile has no replica option, and
			// nothing in its template may depend on spec.replicas.
			name: "mysql", cluster: "mysql", replicas: []int32{1, 2},
			opts: cluster.Options{SecretKeys: []string{engines.MySQLRootPasswordKey}},
			spec: func(n int32) cluster.Spec {
				s := engines.MySQL("mysql", engines.MySQLOptions{Database: "app"})
				s.Replicas = n
				return s
			},
		},
		{
			name: "zookeeper", cluster: "zk", replicas: []int32{3, 4, 2, 5}, membershipInConfig: true,
			spec: func(n int32) cluster.Spec { return engines.ZooKeeper("zk", engines.ZooKeeperOptions{Replicas: n}) },
		},
		{
			name: "etcd", cluster: "etcd", replicas: []int32{3, 4, 2, 5},
			spec: func(n int32) cluster.Spec { return engines.Etcd("etcd", engines.EtcdOptions{Replicas: n}) },
		},
	}
}

// TestScalingKeepsThePodTemplate plans every profile at several sizes: a
// change of replicas alone must change nothing in the StatefulSet but
// spec.replicas, or the controller restarts every running pod (issue 16:
// Cockroach's join list held min(replicas, 5) hosts). ZooKeeper keeps its
// member list in the generated ConfigMap, so exactly its name and
// checksum change (documented on the profile). etcd's members join and
// leave through the membership Job and their start script: its template
// does not depend on the size.
func TestScalingKeepsThePodTemplate(t *testing.T) {
	for _, tc := range scalingCases() {
		t.Run(tc.name, func(t *testing.T) {
			base := planScaled(t, tc, tc.replicas[0])
			for _, n := range tc.replicas[1:] {
				sts := planScaled(t, tc, n)
				assert.Equal(t, n, *sts.Spec.Replicas)
				sts.Spec.Replicas = base.Spec.Replicas
				if !tc.membershipInConfig {
					sameYAML(t, base, sts, "%d -> %d replicas changed more than spec.replicas", tc.replicas[0], n)
					continue
				}
				assert.NotEqual(t, base.Spec.Template, sts.Spec.Template, "%d -> %d: the member list is in the ConfigMap the template names", tc.replicas[0], n)
				sameYAML(t, withoutConfigIdentity(t, base), withoutConfigIdentity(t, sts),
					"%d -> %d replicas changed more than the ConfigMap's name and checksum", tc.replicas[0], n)
			}
		})
	}
}

// sameYAML fails unless want and got have the same YAML form, and then
// shows only the lines that differ.
func sameYAML(t *testing.T, want, got *appsv1.StatefulSet, msg string, args ...any) {
	t.Helper()
	lines := func(sts *appsv1.StatefulSet) []string {
		b, err := yaml.Marshal(sts)
		require.NoError(t, err)
		return strings.Split(string(b), "\n")
	}
	w, g := lines(want), lines(got)
	if slices.Equal(w, g) {
		return
	}
	var diff []string
	for _, l := range w {
		if !slices.Contains(g, l) {
			diff = append(diff, "- "+l)
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			diff = append(diff, "+ "+l)
		}
	}
	t.Errorf("%s:\n%s", fmt.Sprintf(msg, args...), strings.Join(diff, "\n"))
}

func planScaled(t *testing.T, tc scalingCase, replicas int32) *appsv1.StatefulSet {
	t.Helper()
	plan, err := cluster.New(tc.cluster, tc.spec(replicas), tc.opts)
	require.NoError(t, err, "%d replicas", replicas)
	return plan.StatefulSet
}

// withoutConfigIdentity is a copy of sts with the generated ConfigMap's
// checksum annotation removed and every reference to it renamed to
// cluster.GeneratedConfigMap.
func withoutConfigIdentity(t *testing.T, sts *appsv1.StatefulSet) *appsv1.StatefulSet {
	t.Helper()
	out := sts.DeepCopy()
	tpl := &out.Spec.Template
	require.Contains(t, tpl.Annotations, cluster.ConfigChecksumAnnotation)
	delete(tpl.Annotations, cluster.ConfigChecksumAnnotation)
	renamed := 0
	rename := func(name *string) {
		if *name != cluster.GeneratedConfigMap && *name != "" {
			*name = cluster.GeneratedConfigMap
			renamed++
		}
	}
	for _, v := range tpl.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ConfigMap != nil {
				rename(&src.ConfigMap.Name)
			}
		}
	}
	for _, cs := range [][]corev1.Container{tpl.Spec.Containers, tpl.Spec.InitContainers} {
		for _, c := range cs {
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.ConfigMapKeyRef != nil {
					rename(&e.ValueFrom.ConfigMapKeyRef.Name)
				}
			}
		}
	}
	require.Positive(t, renamed, "the template names the generated ConfigMap")
	return out
}

// TestProfileBudgetsLetADrainProceed plans every profile at small and
// usual sizes: its PodDisruptionBudget, if any, must let a drain evict a
// pod (issue 16: a quorum budget of 1 or 2 replicas is every pod). Only
// MySQL's BlockEviction blocks drains, on request.
func TestProfileBudgetsLetADrainProceed(t *testing.T) {
	for _, tc := range scalingCases() {
		for _, n := range []int32{1, 2, 3, 5} {
			plan, err := cluster.New(tc.cluster, tc.spec(n), tc.opts)
			require.NoError(t, err, "%s, %d replicas", tc.name, n)
			if plan.PDB == nil {
				continue
			}
			spec := plan.PDB.Spec
			evictable := int32(0)
			switch {
			case spec.MinAvailable != nil:
				evictable = n - spec.MinAvailable.IntVal
			case spec.MaxUnavailable != nil:
				evictable = spec.MaxUnavailable.IntVal
			}
			assert.Positive(t, evictable, "%s, %d replicas: the budget blocks every drain", tc.name, n)
		}
	}
	blocking, err := cluster.New("mysql", engines.MySQL("mysql", engines.MySQLOptions{BlockEviction: true}),
		cluster.Options{SecretKeys: []string{engines.MySQLRootPasswordKey}})
	require.NoError(t, err)
	assert.Equal(t, int32(0), blocking.PDB.Spec.MaxUnavailable.IntVal, "BlockEviction blocks drains on purpose")
}
