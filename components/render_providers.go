package components

import (
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// renderProviders are the Kubernetes providers that write YAML instead of
// deploying (renderYamlToDirectory), as MarkRenderProvider was told.
var renderProviders sync.Map // pulumi.ProviderResource -> struct{}

// MarkRenderProvider tells the components that p writes YAML to a
// directory instead of talking to a cluster, so they skip what needs one:
// the read of OpenKruise's CRD that checks, in `preview`, that a cluster
// serves Advanced StatefulSets. components/render marks the providers it
// makes; mark your own render provider (kubernetes.NewProvider with
// RenderYamlToDirectory) the same way.
func MarkRenderProvider(p pulumi.ProviderResource) { renderProviders.Store(p, struct{}{}) }

// renders reports whether res's Kubernetes provider was marked with
// MarkRenderProvider.
func renders(res pulumi.Resource, token string) bool {
	r, ok := res.(interface {
		GetProvider(string) pulumi.ProviderResource
	})
	if !ok {
		return false
	}
	p := r.GetProvider(token)
	if p == nil {
		return false
	}
	_, marked := renderProviders.Load(p)
	return marked
}
