package components

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

var update = flag.Bool("update", false, "rewrite testdata/registered/*.json from what the components register now")

// registeredResource is one registration as the engine receives it.
type registeredResource struct {
	URN     string              `json:"urn"`
	Parent  string              `json:"parent,omitempty"`
	Inputs  map[string]any      `json:"inputs"`
	Options ordinaltest.Options `json:"options"`
}

// TestRegisteredGolden pins exactly what the components send the engine,
// inputs (secrets, empty lists and all) and resource options, for a set of
// clusters. A change here is a diff or a replacement on every user's next
// `pulumi up`: review it as such. Regenerate with -update.
func TestRegisteredGolden(t *testing.T) {
	tests := []struct {
		name    string
		program pulumi.RunFunc
	}{
		{"complete", func(ctx *pulumi.Context) error {
			pool, err := NewLocalVolumePool(ctx, "local-ssd", &LocalVolumePoolArgs{Spec: poolSpec()})
			if err != nil {
				return err
			}
			spec := dbSpec()
			spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true}
			spec.Access = &cluster.Access{Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list"}}}}
			_, err = NewDatabaseCluster(ctx, "db", &DatabaseClusterArgs{
				Namespace:  pulumi.String("prod"),
				Spec:       spec,
				Image:      pulumi.String("cockroachdb/cockroach:v24.1.0"),
				Pool:       pool,
				SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)},
			})
			return err
		}},
		{"deploy-time-values", func(ctx *pulumi.Context) error {
			spec := dbSpec()
			spec.Containers[0].Image = "fallback:1"
			spec.InitContainers = []corev1.Container{{Name: "setup", Image: "busybox:1", Env: []corev1.EnvVar{cluster.SecretEnv("P", "password")}}}
			_, err := NewDatabaseCluster(ctx, "dt", &DatabaseClusterArgs{
				Spec:             spec,
				Images:           map[string]pulumi.StringInput{"db": pulumi.String("reg/db:2").ToStringOutput(), "setup": pulumi.String("reg/setup:3")},
				StorageClassName: pulumi.String("fast").ToStringOutput(),
				SecretData:       map[string]pulumi.StringInput{"password": pulumi.String(secretValue)},
				Deletion:         DeletionBackground,
			})
			return err
		}},
		{"namespace-output", func(ctx *pulumi.Context) error {
			spec := dbSpec()
			spec.Containers[0].Image = "db:1"
			_, err := NewDatabaseCluster(ctx, "nsout", &DatabaseClusterArgs{
				Namespace:  pulumi.String("from-a-resource").ToStringOutput(),
				Spec:       spec,
				SecretData: map[string]pulumi.StringInput{"password": pulumi.String(secretValue)},
			})
			return err
		}},
		{"minimal", func(ctx *pulumi.Context) error {
			_, err := NewDatabaseCluster(ctx, "cache", &DatabaseClusterArgs{Spec: cluster.Spec{
				Replicas:   1,
				Ports:      []network.Port{{Name: "redis", Port: 6379}},
				Containers: []corev1.Container{{Name: "redis", Image: "redis:8"}},
				Disruption: &cluster.Disruption{Disabled: true},
			}})
			return err
		}},
		{"engines", func(ctx *pulumi.Context) error {
			specs := map[string]cluster.Spec{
				"crdb":  engines.Cockroach("crdb", engines.CockroachOptions{}),
				"zk":    engines.ZooKeeper("zk", engines.ZooKeeperOptions{}),
				"mysql": engines.MySQL("mysql", engines.MySQLOptions{}),
				"etcd":  engines.Etcd("etcd", engines.EtcdOptions{}),
			}
			for _, name := range []string{"crdb", "zk", "mysql", "etcd"} {
				args := &DatabaseClusterArgs{Namespace: pulumi.String("engines"), Spec: specs[name]}
				if name == "mysql" {
					args.SecretData = map[string]pulumi.StringInput{engines.MySQLRootPasswordKey: pulumi.String(secretValue)}
				}
				if _, err := NewDatabaseCluster(ctx, name, args); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := ordinaltest.Run(t, tt.program)
			var got []registeredResource
			for _, r := range rec.Resources() {
				inputs, err := plugin.MarshalProperties(r.Inputs, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true, KeepResources: true})
				require.NoError(t, err)
				opts := r.Options
				slices.Sort(opts.Dependencies)
				got = append(got, registeredResource{URN: r.URN, Parent: r.Parent, Inputs: inputs.AsMap(), Options: opts})
			}
			slices.SortFunc(got, func(a, b registeredResource) int { return strings.Compare(a.URN, b.URN) })
			b, err := json.MarshalIndent(got, "", "  ")
			require.NoError(t, err)
			b = append(b, '\n')
			path := filepath.Join("testdata", "registered", tt.name+".json")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, b, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run `go test ./components -run TestRegisteredGolden -update` to create it")
			if d := firstDifference(string(want), string(b)); d != "" {
				t.Errorf("%s differs from what the components register now (-update rewrites it; review the change as a diff on every user's next `pulumi up`):\n%s", path, d)
			}
		})
	}
}

// firstDifference shows the first line where got differs from want, with
// context; "" when they are equal.
func firstDifference(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	window := func(lines []string, mark string) string {
		var b strings.Builder
		for j := max(0, i-6); j < min(len(lines), i+6); j++ {
			prefix := "  "
			if j == i {
				prefix = mark + " "
			}
			fmt.Fprintf(&b, "%s%5d %s\n", prefix, j+1, lines[j])
		}
		return b.String()
	}
	return "golden:\n" + window(w, "-") + "now:\n" + window(g, "+")
}
