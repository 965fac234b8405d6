package ordinaltest_test

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
)

// fakeT records failures instead of stopping the test, so the kit's own
// failure paths can be checked.
type fakeT struct{ failures []string }

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failures = append(f.failures, fmt.Sprintf(format, args...))
}

// thing is a custom resource of a made-up provider.
type thing struct{ pulumi.CustomResourceState }

// group is a component resource.
type group struct{ pulumi.ResourceState }

func TestAutoName(t *testing.T) {
	for _, name := range []string{"db-secret", "a", "x-y-z"} {
		t.Run(name, func(t *testing.T) {
			got := ordinaltest.AutoName(name)
			assert.Regexp(t, regexp.MustCompile("^"+regexp.QuoteMeta(name)+"-[0-9a-f]{8}$"), got)
			assert.Equal(t, got, ordinaltest.AutoName(name), "deterministic")
		})
	}
	assert.NotEqual(t, ordinaltest.AutoName("a"), ordinaltest.AutoName("b"))
}

func TestKubernetesOutputsLikeTheProvider(t *testing.T) {
	tests := []struct {
		name          string
		register      func(ctx *pulumi.Context) (pulumi.StringPtrOutput, pulumi.StringPtrOutput, error)
		typ, resName  string
		wantName      string
		wantNamespace *string
		wantID        string
	}{
		{
			name: "namespaced object without namespace lands in default",
			register: func(ctx *pulumi.Context) (pulumi.StringPtrOutput, pulumi.StringPtrOutput, error) {
				cm, err := corev1.NewConfigMap(ctx, "cm", &corev1.ConfigMapArgs{Metadata: metav1.ObjectMetaArgs{Name: pulumi.String("settings")}})
				if err != nil {
					return pulumi.StringPtrOutput{}, pulumi.StringPtrOutput{}, err
				}
				return cm.Metadata.Name(), cm.Metadata.Namespace(), nil
			},
			typ: "kubernetes:core/v1:ConfigMap", resName: "cm",
			wantName: "settings", wantNamespace: new("default"), wantID: "default/settings",
		},
		{
			name: "explicit namespace is kept",
			register: func(ctx *pulumi.Context) (pulumi.StringPtrOutput, pulumi.StringPtrOutput, error) {
				cm, err := corev1.NewConfigMap(ctx, "cm", &corev1.ConfigMapArgs{Metadata: metav1.ObjectMetaArgs{
					Name: pulumi.String("settings"), Namespace: pulumi.String("prod"),
				}})
				if err != nil {
					return pulumi.StringPtrOutput{}, pulumi.StringPtrOutput{}, err
				}
				return cm.Metadata.Name(), cm.Metadata.Namespace(), nil
			},
			typ: "kubernetes:core/v1:ConfigMap", resName: "cm",
			wantName: "settings", wantNamespace: new("prod"), wantID: "prod/settings",
		},
		{
			name: "autonamed object gets name plus suffix",
			register: func(ctx *pulumi.Context) (pulumi.StringPtrOutput, pulumi.StringPtrOutput, error) {
				s, err := corev1.NewSecret(ctx, "creds", &corev1.SecretArgs{})
				if err != nil {
					return pulumi.StringPtrOutput{}, pulumi.StringPtrOutput{}, err
				}
				return s.Metadata.Name(), s.Metadata.Namespace(), nil
			},
			typ: "kubernetes:core/v1:Secret", resName: "creds",
			wantName: ordinaltest.AutoName("creds"), wantNamespace: new("default"), wantID: "default/" + ordinaltest.AutoName("creds"),
		},
		{
			name: "cluster-scoped object gets no namespace",
			register: func(ctx *pulumi.Context) (pulumi.StringPtrOutput, pulumi.StringPtrOutput, error) {
				sc, err := storagev1.NewStorageClass(ctx, "sc", &storagev1.StorageClassArgs{
					Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String("local")},
					Provisioner: pulumi.String("kubernetes.io/no-provisioner"),
				})
				if err != nil {
					return pulumi.StringPtrOutput{}, pulumi.StringPtrOutput{}, err
				}
				return sc.Metadata.Name(), sc.Metadata.Namespace(), nil
			},
			typ: "kubernetes:storage.k8s.io/v1:StorageClass", resName: "sc",
			wantName: "local", wantNamespace: nil, wantID: "local",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var name, ns pulumi.StringPtrOutput
			rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
				var err error
				name, ns, err = tt.register(ctx)
				return err
			})
			assert.Equal(t, tt.wantName, *ordinaltest.Await[*string](t, name))
			assert.Equal(t, tt.wantNamespace, ordinaltest.Await[*string](t, ns))
			r := rec.Find(t, tt.typ, tt.resName)
			assert.Equal(t, tt.wantID, r.ID)
			assert.True(t, r.Custom)
		})
	}
}

func TestOtherResourcesEchoInputs(t *testing.T) {
	var res thing
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		return ctx.RegisterResource("acme:index:Thing", "t1", pulumi.Map{
			"size":    pulumi.Int(3),
			"labels":  pulumi.StringMap{"a": pulumi.String("b")},
			"enabled": pulumi.Bool(true),
		}, &res)
	})
	r := rec.Find(t, "acme:index:Thing", "t1")
	assert.Equal(t, map[string]any{"size": 3.0, "labels": map[string]any{"a": "b"}, "enabled": true}, r.Plain)
	assert.Equal(t, r.Inputs, r.Outputs)
	assert.Equal(t, "t1-id", r.ID)
	assert.Equal(t, pulumi.ID("t1-id"), ordinaltest.Await[pulumi.ID](t, res.ID()))
}

func TestLookupAndPaths(t *testing.T) {
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		_, err := corev1.NewSecret(ctx, "s", &corev1.SecretArgs{
			Metadata: metav1.ObjectMetaArgs{
				Name:        pulumi.String("s"),
				Annotations: pulumi.StringMap{"example.com/a.b": pulumi.String("dotted")},
			},
			StringData: pulumi.StringMap{"password": pulumi.ToSecret(pulumi.String("hunter2")).(pulumi.StringOutput)},
			Type:       pulumi.String("Opaque"),
		})
		return err
	})
	r := rec.Find(t, "kubernetes:core/v1:Secret", "s")
	tests := []struct {
		path       string
		want       any
		found      bool
		wantSecret bool
	}{
		{path: "type", want: "Opaque", found: true},
		{path: `metadata.annotations["example.com/a.b"]`, want: "dotted", found: true},
		{path: "stringData.password", want: "hunter2", found: true, wantSecret: true},
		{path: "stringData", want: map[string]any{"password": "hunter2"}, found: true, wantSecret: true},
		{path: "metadata.labels", found: false},
		{path: "[[[", found: false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := r.Lookup(tt.path)
			assert.Equal(t, tt.found, ok)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.found, r.Has(tt.path))
			assert.Equal(t, tt.wantSecret, r.IsSecret(tt.path))
		})
	}
	assert.Equal(t, "hunter2", r.Plain["stringData"].(map[string]any)["password"], "Plain unwraps secrets")

	f := &fakeT{}
	assert.Nil(t, r.Get(f, "spec.nope"))
	require.Len(t, f.failures, 1)
	assert.Contains(t, f.failures[0], `kubernetes:core/v1:Secret "s" has no input spec.nope`)
}

func TestQueries(t *testing.T) {
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		var g group
		if err := ctx.RegisterComponentResource("acme:index:Group", "g", &g); err != nil {
			return err
		}
		for _, n := range []string{"b", "a"} {
			var res thing
			if err := ctx.RegisterResource("acme:index:Thing", n, pulumi.Map{}, &res, pulumi.Parent(&g)); err != nil {
				return err
			}
		}
		var other thing
		return ctx.RegisterResource("acme:index:Other", "a", pulumi.Map{}, &other)
	})
	assert.Equal(t, 4, rec.Count())
	assert.Equal(t, []string{"a", "a", "b", "g"}, rec.Names())
	assert.Equal(t, []string{"a", "b"}, rec.Names("acme:index:Thing"))
	assert.Equal(t, []string{"acme:index:Group::g", "acme:index:Other::a", "acme:index:Thing::a", "acme:index:Thing::b"}, rec.Keys())

	things := rec.ByType("acme:index:Thing")
	require.Len(t, things, 2)
	assert.Equal(t, "a", things[0].Name)

	g := rec.Find(t, "acme:index:Group", "g")
	assert.False(t, g.Custom)
	assert.Empty(t, g.ID)
	assert.Equal(t, "urn:pulumi:dev::test::acme:index:Group::g", g.URN)
	assert.Equal(t, "urn:pulumi:dev::test::pulumi:pulumi:Stack::test-dev", g.Parent)
	_, ok := rec.ParentOf(g)
	assert.False(t, ok, "the stack is not recorded")

	a := rec.Find(t, "acme:index:Thing", "a")
	assert.Equal(t, "urn:pulumi:dev::test::acme:index:Group$acme:index:Thing::a", a.URN)
	parent, ok := rec.ParentOf(a)
	require.True(t, ok)
	assert.Equal(t, g.URN, parent.URN)
	assert.Equal(t, []ordinaltest.Resource{things[0], things[1]}, rec.Children(g))
	byURN, ok := rec.ByURN(a.URN)
	require.True(t, ok)
	assert.Equal(t, a, byURN)

	_, ok = rec.Lookup("acme:index:Thing", "zzz")
	assert.False(t, ok)
	f := &fakeT{}
	rec.Find(f, "acme:index:Thing", "zzz")
	require.Len(t, f.failures, 1)
	assert.Contains(t, f.failures[0], `want exactly one acme:index:Thing named "zzz"`)
	assert.Contains(t, f.failures[0], "acme:index:Thing::a", "lists what was registered")
}

func TestOptionsAreRecorded(t *testing.T) {
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		var base thing
		if err := ctx.RegisterResource("acme:index:Thing", "base", pulumi.Map{}, &base); err != nil {
			return err
		}
		var kept thing
		return ctx.RegisterResource("acme:index:Thing", "kept", pulumi.Map{}, &kept,
			pulumi.Protect(true), pulumi.RetainOnDelete(true), pulumi.DeleteBeforeReplace(true),
			pulumi.ReplaceOnChanges([]string{"spec.local"}), pulumi.IgnoreChanges([]string{"status"}),
			pulumi.DependsOn([]pulumi.Resource{&base}))
	})
	base := rec.Find(t, "acme:index:Thing", "base")
	assert.Equal(t, ordinaltest.Options{ReplaceOnChanges: []string{}, IgnoreChanges: []string{}, Dependencies: []string{}}, normalize(base.Options))
	kept := rec.Find(t, "acme:index:Thing", "kept").Options
	assert.True(t, kept.Protect)
	assert.True(t, kept.RetainOnDelete)
	assert.True(t, kept.DeleteBeforeReplace)
	assert.Equal(t, []string{"spec.local"}, kept.ReplaceOnChanges)
	assert.Equal(t, []string{"status"}, kept.IgnoreChanges)
	assert.Equal(t, []string{base.URN}, kept.Dependencies)
}

func normalize(o ordinaltest.Options) ordinaltest.Options {
	for _, s := range []*[]string{&o.ReplaceOnChanges, &o.IgnoreChanges, &o.Dependencies} {
		if *s == nil {
			*s = []string{}
		}
	}
	return o
}

func TestHooks(t *testing.T) {
	rec := ordinaltest.NewRecorder()
	rec.OutputsFor = func(r ordinaltest.Resource) resource.PropertyMap {
		if r.Type != "acme:index:Thing" {
			return nil
		}
		out := r.Outputs.Copy()
		out["status"] = resource.NewProperty("ready")
		return out
	}
	rec.CallResult = func(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
		return resource.PropertyMap{"answer": resource.NewProperty(42.0)}, nil
	}
	var answer struct {
		Answer int `pulumi:"answer"`
	}
	got := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		var res thing
		if err := ctx.RegisterResource("acme:index:Thing", "t", pulumi.Map{}, &res); err != nil {
			return err
		}
		return ctx.Invoke("acme:index:getAnswer", map[string]any{"q": "life"}, &answer)
	}, ordinaltest.WithRecorder(rec))
	assert.Same(t, rec, got)
	assert.Equal(t, "ready", rec.Find(t, "acme:index:Thing", "t").Outputs["status"].StringValue())
	assert.Equal(t, 42, answer.Answer)
	calls := rec.Calls()
	require.Len(t, calls, 1)
	assert.Equal(t, "acme:index:getAnswer", calls[0].Token)
	assert.Equal(t, "life", calls[0].Args["q"].StringValue())
}

func TestConfigAndStack(t *testing.T) {
	var plain, namespaced, secret, stack, project string
	var isSecret, plainIsSecret, preview bool
	_ = ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		// config.Require(ctx, "image") and config.RequireSecret(ctx,
		// "password") read the same values.
		plain, _ = ctx.GetConfig("shop:image")
		namespaced, _ = ctx.GetConfig("kubernetes:namespace")
		secret, _ = ctx.GetConfig("shop:password")
		isSecret, plainIsSecret = ctx.IsConfigSecret("shop:password"), ctx.IsConfigSecret("shop:image")
		stack, project, preview = ctx.Stack(), ctx.Project(), ctx.DryRun()
		return nil
	},
		ordinaltest.WithProject("shop"), ordinaltest.WithStack("prod"),
		ordinaltest.WithConfig(map[string]string{"image": "postgres:17", "kubernetes:namespace": "db"}),
		ordinaltest.WithSecret("password", "s3cret"),
	)
	assert.Equal(t, "postgres:17", plain)
	assert.Equal(t, "db", namespaced)
	assert.Equal(t, "s3cret", secret)
	assert.True(t, isSecret)
	assert.False(t, plainIsSecret)
	assert.Equal(t, "shop", project)
	assert.Equal(t, "prod", stack)
	assert.False(t, preview)

	t.Setenv("PULUMI_CONFIG", `{"test:image":"from-env"}`)
	_ = ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		preview = ctx.DryRun()
		_, found := ctx.GetConfig("test:image")
		assert.False(t, found, "config never comes from the environment")
		return nil
	}, ordinaltest.WithPreview())
	assert.True(t, preview)
}

func TestRunErr(t *testing.T) {
	boom := errors.New("boom")
	rec, err := ordinaltest.RunErr(func(ctx *pulumi.Context) error {
		var res thing
		if err := ctx.RegisterResource("acme:index:Thing", "before", pulumi.Map{}, &res); err != nil {
			return err
		}
		return boom
	})
	assert.Same(t, boom, err, "the program's own error, not wrapped")
	assert.Equal(t, []string{"before"}, rec.Names(), "resources registered before the error are recorded")

	f := &fakeT{}
	ordinaltest.Run(f, func(ctx *pulumi.Context) error { return boom })
	require.Len(t, f.failures, 1)
	assert.Contains(t, f.failures[0], "program failed: ")
	assert.Contains(t, f.failures[0], "boom")
}

func TestAwait(t *testing.T) {
	t.Run("values of each output type", func(t *testing.T) {
		assert.Equal(t, "x", ordinaltest.Await[string](t, pulumi.String("x").ToStringOutput()))
		assert.Equal(t, []string{"a", "b"}, ordinaltest.Await[[]string](t, pulumi.ToStringArray([]string{"a", "b"}).ToStringArrayOutput()))
		assert.Equal(t, 7, ordinaltest.Await[int](t, pulumi.Int(7).ToIntOutput()))
		assert.Equal(t, "p", *ordinaltest.Await[*string](t, pulumi.StringPtr("p").ToStringPtrOutput()))
	})
	t.Run("secret flag", func(t *testing.T) {
		v, secret := ordinaltest.AwaitSecret[string](t, pulumi.ToSecret(pulumi.String("s")).(pulumi.StringOutput))
		assert.Equal(t, "s", v)
		assert.True(t, secret)
		_, secret = ordinaltest.AwaitSecret[string](t, pulumi.String("p").ToStringOutput())
		assert.False(t, secret)
	})
	t.Run("wrong type fails the test", func(t *testing.T) {
		f := &fakeT{}
		assert.Zero(t, ordinaltest.Await[int](f, pulumi.String("x").ToStringOutput()))
		require.Len(t, f.failures, 1)
		assert.Contains(t, f.failures[0], "output holds string, not int")
	})
	t.Run("nil output", func(t *testing.T) {
		_, err := ordinaltest.Resolve[string](nil)
		assert.EqualError(t, err, "ordinaltest: nil output")
	})
	t.Run("unknown output", func(t *testing.T) {
		r, err := ordinaltest.Resolve[string](pulumi.UnsafeUnknownOutput(nil))
		require.NoError(t, err)
		assert.False(t, r.Known)
		f := &fakeT{}
		ordinaltest.Await[string](f, pulumi.UnsafeUnknownOutput(nil))
		require.Len(t, f.failures, 1)
		assert.Contains(t, f.failures[0], "is unknown")
	})
}
