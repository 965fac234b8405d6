package components

import (
	"slices"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/utilities"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	k8score "k8s.io/api/core/v1"
	k8snetworking "k8s.io/api/networking/v1"
	k8spolicy "k8s.io/api/policy/v1"
	k8srbac "k8s.io/api/rbac/v1"
	k8sstorage "k8s.io/api/storage/v1"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
)

// The functions below register one planned k8s.io/api object as its typed
// pulumi-kubernetes resource. Specs and metadata are sent as property trees
// (bridge.Tree, bridge.AwaitedTree, bridge.MetaInput) through registerKind;
// small objects without a spec use the SDK's constructors and bridge.Meta.
// A namespace from another resource stays an input either way.

// kubeKind is what a pulumi-kubernetes constructor (appsv1.NewStatefulSet,
// ...) adds to the registration of its resource: the type token, the
// apiVersion and kind properties, and aliases for the type's older API
// versions.
type kubeKind struct {
	token, apiVersion, kind string
	aliases                 []string
}

var (
	statefulSetKind = kubeKind{"kubernetes:apps/v1:StatefulSet", "apps/v1", "StatefulSet",
		[]string{"kubernetes:apps/v1beta1:StatefulSet", "kubernetes:apps/v1beta2:StatefulSet"}}
	jobKind              = kubeKind{"kubernetes:batch/v1:Job", "batch/v1", "Job", nil}
	serviceKind          = kubeKind{"kubernetes:core/v1:Service", "v1", "Service", nil}
	persistentVolumeKind = kubeKind{"kubernetes:core/v1:PersistentVolume", "v1", "PersistentVolume", nil}
	pdbKind              = kubeKind{"kubernetes:policy/v1:PodDisruptionBudget", "policy/v1", "PodDisruptionBudget",
		[]string{"kubernetes:policy/v1beta1:PodDisruptionBudget"}}
	networkPolicyKind = kubeKind{"kubernetes:networking.k8s.io/v1:NetworkPolicy", "networking.k8s.io/v1", "NetworkPolicy",
		[]string{"kubernetes:extensions/v1beta1:NetworkPolicy"}}
	roleKind = kubeKind{"kubernetes:rbac.authorization.k8s.io/v1:Role", "rbac.authorization.k8s.io/v1", "Role",
		[]string{"kubernetes:rbac.authorization.k8s.io/v1alpha1:Role", "kubernetes:rbac.authorization.k8s.io/v1beta1:Role"}}
)

// registerKind registers an object of kind k, given its properties other
// than apiVersion and kind, as the typed resource R, exactly as k's
// constructor registers typed args that send the same properties
// (TestKindsRegisterLikeTheirConstructors). The SDK marshals the bridge's
// property trees instead of walking every field of the typed args, which
// made the marshalling of specs a large part of a cluster's registration.
func registerKind[R any, P interface {
	*R
	pulumi.CustomResource
}](ctx *pulumi.Context, k kubeKind, name string, props pulumi.Map, opts ...pulumi.ResourceOption) (*R, error) {
	props["apiVersion"] = pulumi.String(k.apiVersion)
	props["kind"] = pulumi.String(k.kind)
	if len(k.aliases) > 0 {
		aliases := make([]pulumi.Alias, len(k.aliases))
		for i, t := range k.aliases {
			aliases[i] = pulumi.Alias{Type: pulumi.String(t)}
		}
		opts = append(slices.Clip(opts), pulumi.Aliases(aliases))
	}
	res := P(new(R))
	if err := ctx.RegisterResource(k.token, name, props, res, utilities.PkgResourceDefaultOpts(opts)...); err != nil {
		return nil, err
	}
	return res, nil
}

// nameOf is an object's metadata.name, in one Apply (Name().Elem() takes
// two).
func nameOf(meta metav1.ObjectMetaOutput) pulumi.StringOutput {
	return meta.ApplyT(func(m metav1.ObjectMeta) string {
		if m.Name == nil {
			return ""
		}
		return *m.Name
	}).(pulumi.StringOutput)
}

// knownString and knownStrings are outputs of values known when the
// program runs.
func knownString(s string) pulumi.StringOutput {
	return pulumi.StringOutput{OutputState: bridge.Resolved(s)}
}

func knownStrings(s []string) pulumi.StringArrayOutput {
	return pulumi.StringArrayOutput{OutputState: bridge.Resolved(s)}
}

func registerService(ctx *pulumi.Context, name string, svc *k8score.Service, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*corev1.Service, error) {
	spec, err := bridge.AwaitedTree[corev1.ServiceSpec](svc.Spec)
	if err != nil {
		return nil, err
	}
	return registerKind[corev1.Service](ctx, serviceKind, name, pulumi.Map{
		"metadata": bridge.MetaInput(svc.ObjectMeta, ns, false),
		"spec":     bridge.Input(spec),
	}, opts...)
}

func registerPDB(ctx *pulumi.Context, name string, pdb *k8spolicy.PodDisruptionBudget, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*policyv1.PodDisruptionBudget, error) {
	spec, err := bridge.AwaitedTree[policyv1.PodDisruptionBudgetSpec](pdb.Spec)
	if err != nil {
		return nil, err
	}
	return registerKind[policyv1.PodDisruptionBudget](ctx, pdbKind, name, pulumi.Map{
		"metadata": bridge.MetaInput(pdb.ObjectMeta, ns, false),
		"spec":     bridge.Input(spec),
	}, opts...)
}

func registerConfigMap(ctx *pulumi.Context, name string, cm *k8score.ConfigMap, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*corev1.ConfigMap, error) {
	return corev1.NewConfigMap(ctx, name, &corev1.ConfigMapArgs{
		Metadata: bridge.Meta(cm.ObjectMeta, ns, false),
		Data:     pulumi.ToStringMap(cm.Data),
	}, opts...)
}

// registerSecret registers the generated Secret under a Pulumi autoname
// ("<name>-<random>"): new content replaces it under a new name, which
// rolls the pods that mount it. Values are marked secret before they reach
// the engine, so state and logs hold only ciphertext.
func registerSecret(ctx *pulumi.Context, name string, s *k8score.Secret, ns pulumi.StringInput, data map[string]pulumi.StringInput, opts ...pulumi.ResourceOption) (*corev1.Secret, error) {
	stringData := pulumi.StringMap{}
	for k, v := range data {
		stringData[k] = pulumi.ToSecret(v).(pulumi.StringOutput)
	}
	return corev1.NewSecret(ctx, name, &corev1.SecretArgs{
		Metadata:   bridge.Meta(s.ObjectMeta, ns, true),
		Type:       pulumi.String(string(s.Type)),
		StringData: stringData,
	}, opts...)
}

// registerStatefulSet registers a StatefulSet whose spec tree comes from
// resolveSpec.
func registerStatefulSet(ctx *pulumi.Context, name string, meta k8smeta.ObjectMeta, spec pulumi.AnyOutput, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*appsv1.StatefulSet, error) {
	return registerKind[appsv1.StatefulSet](ctx, statefulSetKind, name, pulumi.Map{
		"metadata": bridge.MetaInput(meta, ns, false),
		"spec":     spec,
	}, opts...)
}

// registerJob registers a Job whose spec tree comes from resolveSpec.
func registerJob(ctx *pulumi.Context, name string, meta k8smeta.ObjectMeta, spec pulumi.AnyOutput, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*batchv1.Job, error) {
	return registerKind[batchv1.Job](ctx, jobKind, name, pulumi.Map{
		"metadata": bridge.MetaInput(meta, ns, false),
		"spec":     spec,
	}, opts...)
}

func registerStorageClass(ctx *pulumi.Context, name string, sc *k8sstorage.StorageClass, opts ...pulumi.ResourceOption) (*storagev1.StorageClass, error) {
	args := &storagev1.StorageClassArgs{
		Metadata:    bridge.Meta(sc.ObjectMeta, nil, false),
		Provisioner: pulumi.String(sc.Provisioner),
	}
	if sc.ReclaimPolicy != nil {
		args.ReclaimPolicy = pulumi.String(string(*sc.ReclaimPolicy))
	}
	if sc.VolumeBindingMode != nil {
		args.VolumeBindingMode = pulumi.String(string(*sc.VolumeBindingMode))
	}
	if len(sc.MountOptions) > 0 {
		args.MountOptions = pulumi.ToStringArray(sc.MountOptions)
	}
	return storagev1.NewStorageClass(ctx, name, args, opts...)
}

func registerPV(ctx *pulumi.Context, name string, pv *k8score.PersistentVolume, opts ...pulumi.ResourceOption) (*corev1.PersistentVolume, error) {
	spec, err := bridge.AwaitedTree[corev1.PersistentVolumeSpec](pv.Spec)
	if err != nil {
		return nil, err
	}
	return registerKind[corev1.PersistentVolume](ctx, persistentVolumeKind, name, pulumi.Map{
		"metadata": bridge.MetaInput(pv.ObjectMeta, nil, false),
		"spec":     bridge.Input(spec),
	}, opts...)
}

func registerNetworkPolicy(ctx *pulumi.Context, name string, np *k8snetworking.NetworkPolicy, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*networkingv1.NetworkPolicy, error) {
	spec, err := bridge.AwaitedTree[networkingv1.NetworkPolicySpec](np.Spec)
	if err != nil {
		return nil, err
	}
	return registerKind[networkingv1.NetworkPolicy](ctx, networkPolicyKind, name, pulumi.Map{
		"metadata": bridge.MetaInput(np.ObjectMeta, ns, false),
		"spec":     bridge.Input(spec),
	}, opts...)
}

func registerServiceAccount(ctx *pulumi.Context, name string, sa *k8score.ServiceAccount, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*corev1.ServiceAccount, error) {
	args := &corev1.ServiceAccountArgs{Metadata: bridge.Meta(sa.ObjectMeta, ns, false)}
	if sa.AutomountServiceAccountToken != nil {
		args.AutomountServiceAccountToken = pulumi.Bool(*sa.AutomountServiceAccountToken)
	}
	return corev1.NewServiceAccount(ctx, name, args, opts...)
}

func registerRole(ctx *pulumi.Context, name string, role *k8srbac.Role, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*rbacv1.Role, error) {
	rules, err := bridge.AwaitedTree[[]rbacv1.PolicyRule](role.Rules)
	if err != nil {
		return nil, err
	}
	return registerKind[rbacv1.Role](ctx, roleKind, name, pulumi.Map{
		"metadata": bridge.MetaInput(role.ObjectMeta, ns, false),
		"rules":    bridge.Input(rules),
	}, opts...)
}

// registerRoleBinding binds the Role to ServiceAccounts in subjectNS, the
// namespace the cluster really landed in (ServiceAccount subjects must name it).
func registerRoleBinding(ctx *pulumi.Context, name string, rb *k8srbac.RoleBinding, ns, subjectNS pulumi.StringInput, opts ...pulumi.ResourceOption) (*rbacv1.RoleBinding, error) {
	subjects := rbacv1.SubjectArray{}
	for _, s := range rb.Subjects {
		subjects = append(subjects, rbacv1.SubjectArgs{Kind: pulumi.String(s.Kind), Name: pulumi.String(s.Name), Namespace: subjectNS})
	}
	return rbacv1.NewRoleBinding(ctx, name, &rbacv1.RoleBindingArgs{
		Metadata: bridge.Meta(rb.ObjectMeta, ns, false),
		RoleRef: rbacv1.RoleRefArgs{
			ApiGroup: pulumi.String(rb.RoleRef.APIGroup),
			Kind:     pulumi.String(rb.RoleRef.Kind),
			Name:     pulumi.String(rb.RoleRef.Name),
		},
		Subjects: subjects,
	}, opts...)
}
