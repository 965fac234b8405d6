package components

import (
	"fmt"
	"slices"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
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
	k8sadmission "k8s.io/api/admissionregistration/v1"
	k8score "k8s.io/api/core/v1"
	k8snetworking "k8s.io/api/networking/v1"
	k8spolicy "k8s.io/api/policy/v1"
	k8srbac "k8s.io/api/rbac/v1"
	k8sstorage "k8s.io/api/storage/v1"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
	"github.com/ordinal-dev/ordinal/components/kubetypes"
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
	statefulSetKind = kubeKind{kubetypes.StatefulSet, "apps/v1", "StatefulSet",
		[]string{"kubernetes:apps/v1beta1:StatefulSet", "kubernetes:apps/v1beta2:StatefulSet"}}
	jobKind              = kubeKind{kubetypes.Job, "batch/v1", "Job", nil}
	serviceKind          = kubeKind{kubetypes.Service, "v1", "Service", nil}
	persistentVolumeKind = kubeKind{kubetypes.PersistentVolume, "v1", "PersistentVolume", nil}
	claimKind            = kubeKind{kubetypes.PersistentVolumeClaimPatch, "v1", "PersistentVolumeClaim", nil}
	pdbKind              = kubeKind{kubetypes.PodDisruptionBudget, "policy/v1", "PodDisruptionBudget",
		[]string{"kubernetes:policy/v1beta1:PodDisruptionBudget"}}
	networkPolicyKind = kubeKind{kubetypes.NetworkPolicy, "networking.k8s.io/v1", "NetworkPolicy",
		[]string{"kubernetes:extensions/v1beta1:NetworkPolicy"}}
	roleKind = kubeKind{kubetypes.Role, "rbac.authorization.k8s.io/v1", "Role",
		[]string{"kubernetes:rbac.authorization.k8s.io/v1alpha1:Role", "kubernetes:rbac.authorization.k8s.io/v1beta1:Role"}}
	admissionPolicyKind = kubeKind{kubetypes.ValidatingAdmissionPolicy, "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy",
		[]string{"kubernetes:admissionregistration.k8s.io/v1alpha1:ValidatingAdmissionPolicy", "kubernetes:admissionregistration.k8s.io/v1beta1:ValidatingAdmissionPolicy"}}
	admissionBindingKind = kubeKind{kubetypes.ValidatingAdmissionPolicyBinding, "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding",
		[]string{"kubernetes:admissionregistration.k8s.io/v1alpha1:ValidatingAdmissionPolicyBinding", "kubernetes:admissionregistration.k8s.io/v1beta1:ValidatingAdmissionPolicyBinding"}}
)

// registered returns the child res registered as token and name, or err
// with the child's type and name in front (childError).
func registered[R any](token, name string, res *R, err error) (*R, error) {
	if err != nil {
		return nil, childError(token, name, err)
	}
	return res, nil
}

// childError is err, which stopped the registration of the child of type
// token and name, with the child in front.
func childError(token, name string, err error) error {
	return fmt.Errorf("registering %s %q: %w", token, name, err)
}

// registerKind registers an object of kind k, given its properties other
// than apiVersion and kind, as the typed resource R, exactly as k's
// constructor registers typed args that send the same properties
// (TestKindsRegisterLikeTheirConstructors). The SDK marshals the bridge's
// property trees instead of walking every field of the typed args (see
// BENCHMARKS.md for what that walk cost).
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
	err := ctx.RegisterResource(k.token, name, props, res, utilities.PkgResourceDefaultOpts(opts)...)
	return registered(k.token, name, (*R)(res), err)
}

// registerAwaited registers an object of kind k with its metadata and one
// more property, field (a spec, a Role's rules), whose value is sent as the
// awaited tree (bridge.AwaitedTree) of the SDK's type T.
func registerAwaited[R, T any, P interface {
	*R
	pulumi.CustomResource
}](ctx *pulumi.Context, k kubeKind, name string, meta k8smeta.ObjectMeta, ns pulumi.StringInput, field string, value any, opts ...pulumi.ResourceOption) (*R, error) {
	tree, err := bridge.AwaitedTree[T](value)
	if err != nil {
		return nil, childError(k.token, name, err)
	}
	return registerKind[R, P](ctx, k, name, pulumi.Map{
		"metadata": bridge.MetaInput(meta, ns, false),
		field:      bridge.Input(tree),
	}, opts...)
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
	return registerAwaited[corev1.Service, corev1.ServiceSpec](ctx, serviceKind, name, svc.ObjectMeta, ns, "spec", svc.Spec, opts...)
}

func registerPDB(ctx *pulumi.Context, name string, pdb *k8spolicy.PodDisruptionBudget, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*policyv1.PodDisruptionBudget, error) {
	return registerAwaited[policyv1.PodDisruptionBudget, policyv1.PodDisruptionBudgetSpec](ctx, pdbKind, name, pdb.ObjectMeta, ns, "spec", pdb.Spec, opts...)
}

func registerConfigMap(ctx *pulumi.Context, name string, cm *k8score.ConfigMap, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*corev1.ConfigMap, error) {
	res, err := corev1.NewConfigMap(ctx, name, &corev1.ConfigMapArgs{
		Metadata: bridge.Meta(cm.ObjectMeta, ns, false),
		Data:     pulumi.ToStringMap(cm.Data),
	}, opts...)
	return registered(kubetypes.ConfigMap, name, res, err)
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
	res, err := corev1.NewSecret(ctx, name, &corev1.SecretArgs{
		Metadata:   bridge.Meta(s.ObjectMeta, ns, true),
		Type:       pulumi.String(string(s.Type)),
		StringData: stringData,
	}, opts...)
	return registered(kubetypes.Secret, name, res, err)
}

// registerStatefulSet registers a StatefulSet whose spec tree comes from
// resolveSpec.
func registerStatefulSet(ctx *pulumi.Context, name string, meta pulumi.Input, spec pulumi.AnyOutput, opts ...pulumi.ResourceOption) (*appsv1.StatefulSet, error) {
	return registerKind[appsv1.StatefulSet](ctx, statefulSetKind, name, pulumi.Map{
		"metadata": meta,
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
	if len(sc.Parameters) > 0 {
		args.Parameters = pulumi.ToStringMap(sc.Parameters)
	}
	res, err := storagev1.NewStorageClass(ctx, name, args, opts...)
	return registered(kubetypes.StorageClass, name, res, err)
}

func registerPV(ctx *pulumi.Context, name string, pv *k8score.PersistentVolume, opts ...pulumi.ResourceOption) (*corev1.PersistentVolume, error) {
	return registerAwaited[corev1.PersistentVolume, corev1.PersistentVolumeSpec](ctx, persistentVolumeKind, name, pv.ObjectMeta, nil, "spec", pv.Spec, opts...)
}

func registerAdmissionPolicy(ctx *pulumi.Context, name string, p *k8sadmission.ValidatingAdmissionPolicy, opts ...pulumi.ResourceOption) (*admissionv1.ValidatingAdmissionPolicy, error) {
	return registerAwaited[admissionv1.ValidatingAdmissionPolicy, admissionv1.ValidatingAdmissionPolicySpec](ctx, admissionPolicyKind, name, p.ObjectMeta, nil, "spec", p.Spec, opts...)
}

func registerAdmissionBinding(ctx *pulumi.Context, name string, b *k8sadmission.ValidatingAdmissionPolicyBinding, opts ...pulumi.ResourceOption) (*admissionv1.ValidatingAdmissionPolicyBinding, error) {
	return registerAwaited[admissionv1.ValidatingAdmissionPolicyBinding, admissionv1.ValidatingAdmissionPolicyBindingSpec](ctx, admissionBindingKind, name, b.ObjectMeta, nil, "spec", b.Spec, opts...)
}

func registerNetworkPolicy(ctx *pulumi.Context, name string, np *k8snetworking.NetworkPolicy, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*networkingv1.NetworkPolicy, error) {
	return registerAwaited[networkingv1.NetworkPolicy, networkingv1.NetworkPolicySpec](ctx, networkPolicyKind, name, np.ObjectMeta, ns, "spec", np.Spec, opts...)
}

func registerServiceAccount(ctx *pulumi.Context, name string, sa *k8score.ServiceAccount, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*corev1.ServiceAccount, error) {
	args := &corev1.ServiceAccountArgs{Metadata: bridge.Meta(sa.ObjectMeta, ns, false)}
	if sa.AutomountServiceAccountToken != nil {
		args.AutomountServiceAccountToken = pulumi.Bool(*sa.AutomountServiceAccountToken)
	}
	res, err := corev1.NewServiceAccount(ctx, name, args, opts...)
	return registered(kubetypes.ServiceAccount, name, res, err)
}

func registerRole(ctx *pulumi.Context, name string, role *k8srbac.Role, ns pulumi.StringInput, opts ...pulumi.ResourceOption) (*rbacv1.Role, error) {
	return registerAwaited[rbacv1.Role, []rbacv1.PolicyRule](ctx, roleKind, name, role.ObjectMeta, ns, "rules", role.Rules, opts...)
}

// registerRoleBinding binds the Role to ServiceAccounts in subjectNS, the
// namespace the cluster really landed in (ServiceAccount subjects must name it).
func registerRoleBinding(ctx *pulumi.Context, name string, rb *k8srbac.RoleBinding, ns, subjectNS pulumi.StringInput, opts ...pulumi.ResourceOption) (*rbacv1.RoleBinding, error) {
	subjects := rbacv1.SubjectArray{}
	for _, s := range rb.Subjects {
		subjects = append(subjects, rbacv1.SubjectArgs{Kind: pulumi.String(s.Kind), Name: pulumi.String(s.Name), Namespace: subjectNS})
	}
	res, err := rbacv1.NewRoleBinding(ctx, name, &rbacv1.RoleBindingArgs{
		Metadata: bridge.Meta(rb.ObjectMeta, ns, false),
		RoleRef: rbacv1.RoleRefArgs{
			ApiGroup: pulumi.String(rb.RoleRef.APIGroup),
			Kind:     pulumi.String(rb.RoleRef.Kind),
			Name:     pulumi.String(rb.RoleRef.Name),
		},
		Subjects: subjects,
	}, opts...)
	return registered(kubetypes.RoleBinding, name, res, err)
}
