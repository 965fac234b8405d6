package components

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	k8srbac "k8s.io/api/rbac/v1"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
	"github.com/ordinal-dev/ordinal/components/kubetypes"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
)

// requestRecorder is a mock engine that keeps every registration request.
type requestRecorder struct {
	mu       sync.Mutex
	requests map[string]*pulumirpc.RegisterResourceRequest
}

func (r *requestRecorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests[args.TypeToken+"::"+args.Name] = args.RegisterRPC
	return args.Name + "-id", args.Inputs, nil
}

func (*requestRecorder) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) { return nil, nil }

// requests runs program under mocks and returns the registration requests
// the engine received, without the source positions (they name the line
// that registered each resource).
func requests(t *testing.T, program pulumi.RunFunc) map[string]*pulumirpc.RegisterResourceRequest {
	t.Helper()
	rec := &requestRecorder{requests: map[string]*pulumirpc.RegisterResourceRequest{}}
	require.NoError(t, pulumi.RunErr(program, pulumi.WithMocks("project", "stack", rec)))
	for _, req := range rec.requests {
		req.SourcePosition, req.StackTrace = nil, nil
	}
	return rec.requests
}

// inNamespace runs register with the namespace "prod", given as a literal,
// or as the name of a Namespace the program registers first.
func inNamespace(fromResource bool, register func(*pulumi.Context, pulumi.StringInput) error) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if !fromResource {
			return register(ctx, pulumi.String("prod"))
		}
		ns, err := corev1.NewNamespace(ctx, "prod", &corev1.NamespaceArgs{Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("prod")}})
		if err != nil {
			return err
		}
		return register(ctx, nameOf(ns.Metadata))
	}
}

// roundTrip is the SDK's plain type T holding in, a k8s.io/api value: the
// definition of the bridge's conversion.
func roundTrip[T any](t *testing.T, in any) T {
	t.Helper()
	var out T
	b, err := json.Marshal(in)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// TestKindsRegisterLikeTheirConstructors checks that registering an object
// through kubeKind sends the engine exactly the request the SDK's typed
// constructor sends for the same object, given as typed args the way the
// components registered them before property trees: type token, inputs,
// property dependencies, aliases, provider version and every resource
// option.
func TestKindsRegisterLikeTheirConstructors(t *testing.T) {
	spec := dbSpec()
	spec.NetworkPolicy = &cluster.NetworkPolicy{Enabled: true}
	spec.Access = &cluster.Access{Rules: []k8srbac.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get"}}}}
	pool, err := localpv.New("local-ssd", poolSpec())
	require.NoError(t, err)
	plan, err := cluster.New("db", spec, cluster.Options{Pool: pool, DeployTimeImages: []string{"db"}, SecretKeys: []string{"password"}})
	require.NoError(t, err)

	// A namespace known while the program runs makes the metadata a tree;
	// one from another resource keeps it an input, with a property
	// dependency. The options must all come through.
	for _, fromResource := range []bool{false, true} {
		t.Run(fmt.Sprintf("namespace from a resource=%v", fromResource), func(t *testing.T) {
			testKindsRegisterLikeTheirConstructors(t, plan, pool, fromResource)
		})
	}
}

func testKindsRegisterLikeTheirConstructors(t *testing.T, plan *cluster.Plan, pool *localpv.Plan, fromResource bool) {
	sts, job, pv := plan.StatefulSet, plan.InitJob, pool.Volumes[0]
	svc, pdb, np, role := plan.Network.Service, plan.PDB, plan.NetworkPolicy, plan.RBAC.Role
	opts := func(*pulumi.Context) []pulumi.ResourceOption {
		return []pulumi.ResourceOption{pulumi.RetainOnDelete(true), pulumi.IgnoreChanges([]string{"spec.replicas"}), pulumi.DeleteBeforeReplace(true)}
	}
	tests := []struct {
		name        string
		tree, typed func(*pulumi.Context, pulumi.StringInput) error
		wantAliases int
	}{
		{"StatefulSet", func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			tree, err := bridge.Tree[appsv1.StatefulSetSpec](sts.Spec)
			if err != nil {
				return err
			}
			_, err = registerStatefulSet(ctx, "db", bridge.MetaInput(sts.ObjectMeta, ns, false), bridge.Input(tree), opts(ctx)...)
			return err
		}, func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := appsv1.NewStatefulSet(ctx, "db", &appsv1.StatefulSetArgs{
				Metadata: bridge.Meta(sts.ObjectMeta, ns, false),
				Spec:     appsv1.StatefulSetSpecOutput{OutputState: pulumix.Val(roundTrip[appsv1.StatefulSetSpec](t, sts.Spec)).OutputState},
			}, opts(ctx)...)
			return err
		}, 2},
		{"Job", func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			tree, err := bridge.Tree[batchv1.JobSpec](job.Spec)
			if err != nil {
				return err
			}
			_, err = registerJob(ctx, "init", job.ObjectMeta, bridge.Input(tree), ns, opts(ctx)...)
			return err
		}, func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := batchv1.NewJob(ctx, "init", &batchv1.JobArgs{
				Metadata: bridge.Meta(job.ObjectMeta, ns, false),
				Spec:     batchv1.JobSpecOutput{OutputState: pulumix.Val(roundTrip[batchv1.JobSpec](t, job.Spec)).OutputState},
			}, opts(ctx)...)
			return err
		}, 0},
		{"Service", func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := registerService(ctx, "headless", svc, ns, opts(ctx)...)
			return err
		}, func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := corev1.NewService(ctx, "headless", &corev1.ServiceArgs{
				Metadata: bridge.Meta(svc.ObjectMeta, ns, false),
				Spec:     pulumi.ToOutput(roundTrip[corev1.ServiceSpec](t, svc.Spec)).(corev1.ServiceSpecOutput),
			}, opts(ctx)...)
			return err
		}, 0},
		{"PersistentVolume", func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := registerPV(ctx, "pv", pv, opts(ctx)...)
			return err
		}, func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := corev1.NewPersistentVolume(ctx, "pv", &corev1.PersistentVolumeArgs{
				Metadata: bridge.Meta(pv.ObjectMeta, nil, false),
				Spec:     pulumi.ToOutput(roundTrip[corev1.PersistentVolumeSpec](t, pv.Spec)).(corev1.PersistentVolumeSpecOutput),
			}, opts(ctx)...)
			return err
		}, 0},
		{"PodDisruptionBudget", func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := registerPDB(ctx, "pdb", pdb, ns, opts(ctx)...)
			return err
		}, func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := policyv1.NewPodDisruptionBudget(ctx, "pdb", &policyv1.PodDisruptionBudgetArgs{
				Metadata: bridge.Meta(pdb.ObjectMeta, ns, false),
				Spec:     pulumi.ToOutput(roundTrip[policyv1.PodDisruptionBudgetSpec](t, pdb.Spec)).(policyv1.PodDisruptionBudgetSpecOutput),
			}, opts(ctx)...)
			return err
		}, 1},
		{"NetworkPolicy", func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := registerNetworkPolicy(ctx, "netpol", np, ns, opts(ctx)...)
			return err
		}, func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := networkingv1.NewNetworkPolicy(ctx, "netpol", &networkingv1.NetworkPolicyArgs{
				Metadata: bridge.Meta(np.ObjectMeta, ns, false),
				Spec:     pulumi.ToOutput(roundTrip[networkingv1.NetworkPolicySpec](t, np.Spec)).(networkingv1.NetworkPolicySpecOutput),
			}, opts(ctx)...)
			return err
		}, 1},
		{"Role", func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := registerRole(ctx, "role", role, ns, opts(ctx)...)
			return err
		}, func(ctx *pulumi.Context, ns pulumi.StringInput) error {
			_, err := rbacv1.NewRole(ctx, "role", &rbacv1.RoleArgs{
				Metadata: bridge.Meta(role.ObjectMeta, ns, false),
				Rules:    pulumi.ToOutput(roundTrip[[]rbacv1.PolicyRule](t, role.Rules)).(rbacv1.PolicyRuleArrayOutput),
			}, opts(ctx)...)
			return err
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := requests(t, inNamespace(fromResource, tt.tree)), requests(t, inNamespace(fromResource, tt.typed))
			require.Len(t, want, len(got))
			for key, w := range want {
				if strings.HasPrefix(key, kubetypes.Namespace) {
					continue
				}
				g := got[key]
				require.NotNil(t, g, "no %s registered", key)
				if !proto.Equal(w, g) {
					assert.Equal(t, protojson.Format(w), protojson.Format(g), "%s: the request differs from the constructor's", key)
				}
				assert.Len(t, g.GetAliases(), tt.wantAliases, "type aliases")
				assert.NotEmpty(t, g.GetVersion(), "the provider version the SDK pins")
				if fromResource && tt.name != "PersistentVolume" { // cluster-scoped
					assert.NotEmpty(t, g.GetPropertyDependencies()["metadata"].GetUrns(), "the namespace's dependency")
				}
				assert.True(t, g.GetRetainOnDelete())
			}
		})
	}
}

// A child whose registration fails is named in the error, by type and name.
func TestRegistrationErrorsNameTheChild(t *testing.T) {
	plan, err := cluster.New("db", dbSpec(), cluster.Options{DeployTimeImages: []string{"db"}, SecretKeys: []string{"password"}})
	require.NoError(t, err)
	// A context whose program is over refuses every registration.
	var done *pulumi.Context
	rec := &requestRecorder{requests: map[string]*pulumirpc.RegisterResourceRequest{}}
	require.NoError(t, pulumi.RunErr(func(ctx *pulumi.Context) error { done = ctx; return nil }, pulumi.WithMocks("project", "stack", rec)))

	_, err = registerPDB(done, "db-pdb", plan.PDB, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `registering kubernetes:policy/v1:PodDisruptionBudget "db-pdb": `)

	_, err = registerConfigMap(done, "db-config", plan.ConfigMap, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `registering kubernetes:core/v1:ConfigMap "db-config": `)
}
