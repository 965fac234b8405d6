package render_test

import (
	"strings"
	"sync"
	"testing"

	corev1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// providerMonitor records, besides what the Recorder records, the provider
// reference each custom resource was registered with ("<urn>::<id>", or ""
// for the default provider).
type providerMonitor struct {
	*ordinaltest.Recorder
	mu        sync.Mutex
	providers map[string]string
}

func (m *providerMonitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.providers[args.TypeToken+"::"+args.Name] = args.Provider
	m.mu.Unlock()
	return m.Recorder.NewResource(args)
}

// run runs program under the mocks of project "shop", stack "dev", with
// the given config (keys without a namespace belong to the project).
func run(t *testing.T, config map[string]string, program pulumi.RunFunc) *providerMonitor {
	t.Helper()
	m := &providerMonitor{Recorder: ordinaltest.NewRecorder(), providers: map[string]string{}}
	cfg := map[string]string{}
	for k, v := range config {
		cfg["shop:"+k] = v
	}
	err := pulumi.RunErr(program, pulumi.WithMocks("shop", "dev", m), func(info *pulumi.RunInfo) { info.Config = cfg })
	require.NoError(t, err)
	return m
}

// program is a user's program: a DatabaseCluster with a generated Secret
// and a ConfigMap of its own, both given the options of FromConfig.
func program(ctx *pulumi.Context) error {
	opts, err := render.FromConfig(ctx)
	if err != nil {
		return err
	}
	_, err = components.NewDatabaseCluster(ctx, "etcd", &components.DatabaseClusterArgs{
		Namespace:  pulumi.String("prod"),
		Spec:       engines.Etcd("etcd", engines.EtcdOptions{}),
		SecretData: map[string]pulumi.StringInput{"token": pulumi.String("s3cret")},
	}, opts...)
	if err != nil {
		return err
	}
	_, err = corev1sdk.NewConfigMap(ctx, "settings", &corev1sdk.ConfigMapArgs{
		Metadata: &metav1sdk.ObjectMetaArgs{Namespace: pulumi.String("prod")},
		Data:     pulumi.StringMap{"mode": pulumi.String("fast")},
	}, opts...)
	return err
}

func TestFromConfigRoutesEveryObjectToTheRenderProvider(t *testing.T) {
	// The SDK copies $KUBECONFIG into a provider's kubeconfig unless it is
	// set; the provider would then refuse renderYamlToDirectory.
	t.Setenv("KUBECONFIG", "/home/user/.kube/config")
	m := run(t, map[string]string{render.ConfigKey: "/tmp/rendered"}, program)

	providers := m.ByType(kubetypes.Provider)
	require.Len(t, providers, 1, "exactly one explicit provider")
	p := providers[0]
	assert.Equal(t, render.ProviderName, p.Name)
	assert.Equal(t, "/tmp/rendered", p.Get(t, "renderYamlToDirectory"))
	assert.Equal(t, "", p.Get(t, "kubeconfig"), "never the $KUBECONFIG default")
	ref := p.URN + "::" + p.ID

	var objects int
	for _, r := range m.Resources() {
		if !r.Custom || r.Type == kubetypes.Provider {
			continue
		}
		objects++
		assert.Equal(t, ref, m.providers[r.Type+"::"+r.Name], "%s %s is written by the render provider", r.Type, r.Name)
	}
	assert.GreaterOrEqual(t, objects, 6, "the cluster's objects and the program's own ConfigMap")
	m.Find(t, kubetypes.ConfigMap, "settings")
}

// The package documentation says what happens to the generated Secret:
// the component sends its values as stringData (which the provider writes
// base64-encoded under data), and they stay Pulumi secrets in the state.
func TestGeneratedSecretInRenderMode(t *testing.T) {
	m := run(t, map[string]string{render.ConfigKey: "out"}, program)
	var secret ordinaltest.Resource
	for _, r := range m.ByType(kubetypes.Secret) {
		secret = r
	}
	require.NotEmpty(t, secret.Name, "the DatabaseCluster generates a Secret")
	assert.Equal(t, "s3cret", secret.Get(t, "stringData.token"))
	assert.True(t, secret.IsSecret("stringData.token"), "a Pulumi secret in the state")
	_, hasData := secret.Lookup("data")
	assert.False(t, hasData)
}

func TestNoDirectoryDeploysAsUsual(t *testing.T) {
	for name, config := range map[string]map[string]string{
		"unset": nil,
		"blank": {render.ConfigKey: "  "},
	} {
		t.Run(name, func(t *testing.T) {
			m := run(t, config, program)
			assert.Empty(t, m.ByType(kubetypes.Provider), "no explicit provider")
			for _, r := range m.Resources() {
				if r.Custom {
					assert.Empty(t, m.providers[r.Type+"::"+r.Name], "%s %s uses the default provider", r.Type, r.Name)
				}
			}
		})
	}
}

func TestOptions(t *testing.T) {
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		opts, err := render.Options(ctx, "")
		assert.Nil(t, opts)
		return err
	})
	assert.Zero(t, rec.Count(), "an empty directory registers nothing")

	rec = ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		opts, err := render.Options(ctx, "out")
		assert.Len(t, opts, 1)
		return err
	})
	assert.Equal(t, "out", rec.Find(t, kubetypes.Provider, render.ProviderName).Get(t, "renderYamlToDirectory"))
}

func TestNewProvider(t *testing.T) {
	_, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		_, err := render.NewProvider(ctx, "yaml", " ")
		return err
	})
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "render: the directory is empty"), err.Error())

	t.Setenv("KUBECONFIG", "/home/user/.kube/config")
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		_, err := render.NewProvider(ctx, "yaml", "manifests", pulumi.Protect(true))
		return err
	})
	p := rec.Find(t, kubetypes.Provider, "yaml")
	assert.Equal(t, "manifests", p.Get(t, "renderYamlToDirectory"))
	assert.Equal(t, "", p.Get(t, "kubeconfig"))
	assert.True(t, p.Options.Protect, "options reach the provider")
}

func TestProviderArgs(t *testing.T) {
	args := render.ProviderArgs("out")
	assert.Equal(t, pulumi.String("out"), args.RenderYamlToDirectory)
	assert.Equal(t, pulumi.String(""), args.Kubeconfig)
	assert.Nil(t, args.Context)
	assert.Nil(t, args.Cluster)
}
