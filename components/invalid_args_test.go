package components

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// Invalid arguments return one *validation.Error that names the component,
// every bad field and how to fix it, before anything is registered.
func TestInvalidArgs(t *testing.T) {
	withPool := func(spec localpv.Spec, p Protection) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			_, err := NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: spec, Protection: p})
			return err
		}
	}
	withNet := func(spec network.Spec) func(ctx *pulumi.Context) error {
		return func(ctx *pulumi.Context) error {
			_, err := NewHeadlessNetwork(ctx, "kv", &HeadlessNetworkArgs{Spec: spec})
			return err
		}
	}
	tests := []struct {
		name      string
		program   func(ctx *pulumi.Context) error
		component string
		resName   string
		// wantFields are the field paths of the problems, in order.
		wantFields []string
		// wantText are fragments of the message: the fix for each problem.
		wantText []string
		// allowed are resources that may exist (registered before the
		// component, e.g. its pool); everything else must not.
		allowed int
	}{
		{
			name:      "network: no replicas",
			program:   withNet(network.Spec{Ports: kvPorts()}),
			component: "HeadlessNetwork", resName: "kv",
			wantFields: []string{"spec.replicas"},
			wantText:   []string{`HeadlessNetwork "kv": spec.replicas: must be >= 1, got 0`},
		},
		{
			name:      "network: no ports and a bad cluster domain",
			program:   withNet(network.Spec{Replicas: 3, ClusterDomain: "Not_A_Domain"}),
			component: "HeadlessNetwork", resName: "kv",
			wantFields: []string{"spec.clusterDomain", "spec.ports"},
			wantText:   []string{`HeadlessNetwork "kv": 2 invalid arguments:`, `must be a DNS domain such as "cluster.local"`, "declare at least one named port"},
		},
		{
			name: "network: node ports on a ClusterIP client Service",
			program: withNet(network.Spec{Replicas: 3, Ports: kvPorts(), Client: &network.ClientService{
				NodePorts: map[string]int32{"client": 30001},
			}}),
			component: "HeadlessNetwork", resName: "kv",
			wantFields: []string{"spec.client.nodePorts[client]"},
			wantText:   []string{"node ports need type NodePort or LoadBalancer; remove nodePorts or change type"},
		},
		{
			name:      "pool: no nodes",
			program:   withPool(localpv.Spec{Capacity: "10Gi"}, ""),
			component: "LocalVolumePool", resName: "disks",
			wantFields: []string{"spec.nodes"},
			wantText:   []string{`LocalVolumePool "disks": spec.nodes: required: list the nodes that have a local disk`},
		},
		{
			name:      "pool: relative path, no capacity, unknown protection",
			program:   withPool(localpv.Spec{Nodes: []string{"n1"}, Path: "mnt/disk"}, "forever"),
			component: "LocalVolumePool", resName: "disks",
			wantFields: []string{"spec.path", "spec.capacity", "protection"},
			wantText:   []string{"must be an absolute path on the node", `set the size of each disk, e.g. "100Gi"`, `unsupported value "forever"`},
		},
		{
			name: "cluster: no replicas",
			program: withDB(func(a *DatabaseClusterArgs) {
				a.Spec.Replicas = 0
			}),
			component: "DatabaseCluster", resName: "db",
			wantFields: []string{"spec.replicas"},
			wantText:   []string{`DatabaseCluster "db": spec.replicas: must be >= 1, got 0`},
		},
		{
			name: "cluster: no image at all",
			program: withDB(func(a *DatabaseClusterArgs) {
				a.Image = nil
			}),
			component: "DatabaseCluster", resName: "db",
			wantFields: []string{"spec.containers[0].image", "spec.init.image"},
			wantText: []string{
				`set the image of container "db", or pass it to the component as an input`,
				"set the init Job's image",
			},
		},
		{
			name: "cluster: component arguments",
			program: withDB(func(a *DatabaseClusterArgs) {
				a.Deletion = "cascade"
				a.AwaitTimeoutSeconds = -1
				a.SecretData["password"] = nil
			}),
			component: "DatabaseCluster", resName: "db",
			wantFields: []string{"secretData[password]", "deletion", "awaitTimeoutSeconds"},
			wantText: []string{
				`give a value (e.g. cfg.RequireSecret("password")) or remove the key`,
				`unsupported value "cascade"`,
				"must be >= 0 (0 means the default, 600)",
			},
		},
		{
			name: "cluster: secret env without secret data",
			program: withDB(func(a *DatabaseClusterArgs) {
				a.SecretData = nil
			}),
			component: "DatabaseCluster", resName: "db",
			wantFields: []string{"spec.containers[0].env[0].valueFrom.secretKeyRef.key"},
			wantText:   []string{"is not a key of the secret data given to the component"},
		},
		{
			name: "cluster: pool too small for the replicas",
			program: func(ctx *pulumi.Context) error {
				pool, err := NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: localpv.Spec{
					Nodes: []string{"n1", "n2"}, Path: "/mnt/d", Capacity: "10Gi",
				}})
				if err != nil {
					return err
				}
				return withDB(func(a *DatabaseClusterArgs) { a.Pool = pool })(ctx)
			},
			component: "DatabaseCluster", resName: "db",
			wantFields: []string{"spec.claims[0].size"},
			wantText:   []string{`the LocalVolumePool "disks" has 2 volume(s) of at least this size, but 3 replicas need one each`},
			allowed:    4, // the pool, its class and two PVs
		},
		{
			name: "cluster: pool and storage class",
			program: func(ctx *pulumi.Context) error {
				pool, err := NewLocalVolumePool(ctx, "disks", &LocalVolumePoolArgs{Spec: poolSpec()})
				if err != nil {
					return err
				}
				return withDB(func(a *DatabaseClusterArgs) {
					a.Pool = pool
					a.StorageClassName = pulumi.String("gp3")
				})(ctx)
			},
			component: "DatabaseCluster", resName: "db",
			wantFields: []string{"storageClassName"},
			wantText:   []string{"set pool or storageClassName, not both"},
			allowed:    5,
		},
		{
			name: "cluster: bad container image override",
			program: withDB(func(a *DatabaseClusterArgs) {
				a.Images = map[string]pulumi.StringInput{"nope": pulumi.String("x:1")}
			}),
			component: "DatabaseCluster", resName: "db",
			wantFields: []string{"images[nope]"},
			wantText:   []string{"names no container"},
		},
		{
			name: "cluster: malformed literal images",
			program: withDB(func(a *DatabaseClusterArgs) {
				a.Image = pulumi.String("postgres@sha256:abc")
				a.Images = map[string]pulumi.StringInput{"init": pulumi.String("Busybox")}
			}),
			component: "DatabaseCluster", resName: "db",
			wantFields: []string{"images[init]", "image"},
			wantText:   []string{"write the repository in lower case", "64 hex digits"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := ordinaltest.RunErr(tt.program)
			require.Error(t, err)
			var verr *validation.Error
			require.True(t, errors.As(err, &verr), "want *validation.Error, got %T: %v", err, err)
			assert.Equal(t, tt.component, verr.Component)
			assert.Equal(t, tt.resName, verr.Name)
			assert.Equal(t, tt.wantFields, verr.Fields())
			msg := err.Error()
			for _, f := range tt.wantFields {
				assert.Contains(t, msg, f+": ")
			}
			for _, s := range tt.wantText {
				assert.Contains(t, msg, s)
			}

			assert.Equal(t, tt.allowed, rec.Count(), "registered: %v", rec.Keys())
			for _, r := range rec.Resources() {
				assert.False(t, strings.HasPrefix(r.Name, tt.resName), "%s was registered for the failed component", r)
			}
		})
	}
}
