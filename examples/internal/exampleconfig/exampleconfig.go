package exampleconfig

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// DefaultNodes are the nodes of the local kwok cluster the examples use
// (see scripts/cluster.sh).
var DefaultNodes = []string{"node-0", "node-1", "node-2"}

// List reads a comma-separated list ("node-0,node-1"), trimming blanks and
// dropping empty entries; def when the key is unset or empty.
func List(cfg *config.Config, key string, def []string) []string {
	var out []string
	for _, s := range strings.Split(cfg.Get(key), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return append([]string(nil), def...)
	}
	return out
}

// String reads key, or def when it is unset or empty.
func String(cfg *config.Config, key, def string) string {
	if v := strings.TrimSpace(cfg.Get(key)); v != "" {
		return v
	}
	return def
}

// Int32 reads key as a whole number, or def when it is unset or empty. A
// value that is not a number is an error naming the key.
func Int32(cfg *config.Config, key string, def int32) (int32, error) {
	v := strings.TrimSpace(cfg.Get(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("config %q: %q is not a whole number", key, v)
	}
	return int32(n), nil
}

// RenderOptions returns nil when dir is empty. Otherwise it creates a
// Kubernetes provider that writes every object as YAML to dir instead of
// deploying it (RenderYamlToDirectory), and returns the option that routes
// the components' children to that provider.
//
// The provider's kubeconfig is set to "" on purpose: the SDK otherwise
// fills it in from $KUBECONFIG, and the provider rejects a kubeconfig
// together with renderYamlToDirectory.
func RenderOptions(ctx *pulumi.Context, dir string) ([]pulumi.ResourceOption, error) {
	if dir == "" {
		return nil, nil
	}
	p, err := kubernetes.NewProvider(ctx, "render", &kubernetes.ProviderArgs{
		RenderYamlToDirectory: pulumi.String(dir),
		Kubeconfig:            pulumi.String(""),
	})
	if err != nil {
		return nil, err
	}
	return []pulumi.ResourceOption{pulumi.Providers(p)}, nil
}
