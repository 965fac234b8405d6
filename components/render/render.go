package render

import (
	"errors"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/ordinal-dev/ordinal/components"
)

// ProviderName is the name of the provider resource Options and FromConfig
// register. It is part of the URN of every rendered object: keep it when a
// stack already renders with it.
const ProviderName = "render"

// ConfigKey is the stack config key FromConfig reads, in the project's
// namespace (`pulumi config set render <dir>`); the examples and
// `make render` use it.
const ConfigKey = "render"

// ProviderArgs are the arguments of a Kubernetes provider that writes YAML
// to dir: RenderYamlToDirectory set, and Kubeconfig set to "" so that the
// SDK does not copy $KUBECONFIG into it (the provider rejects a kubeconfig
// together with renderYamlToDirectory). Add other provider settings before
// calling kubernetes.NewProvider; cluster and context are rejected too.
func ProviderArgs(dir string) *kubernetes.ProviderArgs {
	return &kubernetes.ProviderArgs{
		RenderYamlToDirectory: pulumi.String(dir),
		Kubeconfig:            pulumi.String(""),
	}
}

// NewProvider registers a Kubernetes provider named name that writes every
// object it manages as YAML under dir instead of deploying it. Pass it to
// resources with pulumi.Provider or pulumi.Providers (Options does).
func NewProvider(ctx *pulumi.Context, name, dir string, opts ...pulumi.ResourceOption) (*kubernetes.Provider, error) {
	if strings.TrimSpace(dir) == "" {
		return nil, errors.New("render: the directory is empty; give the directory to write the YAML files to")
	}
	p, err := kubernetes.NewProvider(ctx, name, ProviderArgs(dir), opts...)
	if err != nil {
		return nil, err
	}
	// The components skip what needs a cluster (a read) under it.
	components.MarkRenderProvider(p)
	return p, nil
}

// Options returns no options when dir is empty: the program deploys as
// usual. Otherwise it registers the provider ProviderName that writes YAML
// under dir and returns the option that routes a resource and all its
// children to it (pulumi.Providers). Pass the options to every top-level
// resource of the program. Call it once per program: a second call
// registers a second provider of the same name, which Pulumi refuses.
func Options(ctx *pulumi.Context, dir string) ([]pulumi.ResourceOption, error) {
	if dir == "" {
		return nil, nil
	}
	p, err := NewProvider(ctx, ProviderName, dir)
	if err != nil {
		return nil, err
	}
	return []pulumi.ResourceOption{pulumi.Providers(p)}, nil
}

// FromConfig is Options with the directory read from the stack config key
// ConfigKey of the project ("<project>:render"); no options when it is
// unset or blank.
func FromConfig(ctx *pulumi.Context) ([]pulumi.ResourceOption, error) {
	return Options(ctx, strings.TrimSpace(config.Get(ctx, ConfigKey)))
}
