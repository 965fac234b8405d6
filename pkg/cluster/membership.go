package cluster

// The membership Job: what the database does before the StatefulSet
// changes its replica count.
//
// Success contract: when `pulumi up` updates a StatefulSet to N replicas,
// the Job "<cluster>-members-<N>" has completed first, against the pods
// that were running then. It is named by N, so a change of Replicas is a
// new Job, which Pulumi creates (server-side apply: an object left by an
// interrupted `up` is adopted, not refused) and awaits to completion
// before it touches the StatefulSet, which depends on it. A Job that
// fails fails the `up` and leaves the StatefulSet as it was; the next `up`
// replaces the failed Job and runs it again. The old Job is deleted after
// the StatefulSet is updated.
//
// What the Job does is the profile's (see engines): take the members at
// and above ORDINAL_REPLICAS out of the database, highest first, and wait
// until the database confirms each one. It also runs when the cluster is
// created (before any pod exists) and whenever its template changes (an
// image upgrade), so it must be idempotent and succeed when there is no
// member to talk to yet.
//
// Why a Job and not a Pulumi resource hook: the Job runs inside the
// cluster, where the members' DNS names resolve and the database's own
// client reaches them; it is an object Pulumi previews ("+ ...Job
// db-members-3"), awaits and records; a killed `up` leaves it running,
// and the next `up` waits for the same Job instead of starting the
// removal again; and it works the same from every Pulumi language. A hook
// would run in the program's process, outside the cluster network.

import (
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/validation"
)

// MembershipContainerName is the membership Job's container; pass an image
// for it under this name to override the default (the first container's).
// It is InitContainerName: both Jobs run the same client image.
const MembershipContainerName = InitContainerName

// Env vars the membership Job's container gets before its own Env.
const (
	// MembershipEnvReplicas is the replica count the StatefulSet is about
	// to get: members at and above OrdinalStart+Replicas are leaving.
	MembershipEnvReplicas = "ORDINAL_REPLICAS"
	// MembershipEnvOrdinalStart is Spec.OrdinalStart.
	MembershipEnvOrdinalStart = "ORDINAL_START"
	// MembershipEnvStatefulSet is the StatefulSet's name, the prefix of
	// every member's pod name.
	MembershipEnvStatefulSet = "ORDINAL_STATEFULSET"
	// MembershipEnvService is the governing Service's name: a pod's host
	// is "<pod>.<service>".
	MembershipEnvService = "ORDINAL_SERVICE"
	// MembershipEnvServiceFQDN is the governing Service's fully qualified
	// name, which resolves to every pod that exists (ready or not) and to
	// nothing when no pod exists.
	MembershipEnvServiceFQDN = "ORDINAL_SERVICE_FQDN"
	// MembershipEnvNamespace is the cluster's namespace.
	MembershipEnvNamespace = "POD_NAMESPACE"
)

// Default bounds of the membership Job.
const (
	DefaultMembershipBackoffLimit    = int32(0)
	DefaultMembershipDeadlineSeconds = int64(900)
)

// MembershipJob is the Job that takes departing members out of the
// database before the StatefulSet deletes their pods (see the contract at
// the top of membership.go). Its container is an InitJob's: image (default
// the first container's), command, env, resources, limits and placement.
type MembershipJob struct {
	InitJob
	// InitContainers run before the Job's container, e.g. to copy a shell
	// into an emptyDir of Volumes for an image that has none.
	InitContainers []corev1.Container
	// Volumes of the Job's pod, and VolumeMounts of its container.
	Volumes      []corev1.Volume
	VolumeMounts []corev1.VolumeMount
}

// membershipJob plans the membership Job; nil without spec.Membership.
func (p *Plan) membershipJob() *batchv1.Job {
	m := p.Spec.Membership
	if m == nil {
		return nil
	}
	in := m.InitJob
	in.Env = append(p.membershipEnv(), in.Env...)
	job := p.job("membership", Object{}, p.membershipJobName(), in)
	spec := &job.Spec.Template.Spec
	// A failed run shows its last words (or log lines) in the failed up.
	spec.Containers[0].TerminationMessagePolicy = corev1.TerminationMessageFallbackToLogsOnError
	// One attempt (DefaultMembershipBackoffLimit): the script retries
	// what is worth retrying itself, and a failure fails the up at once
	// with the pod's message. (A pod failure policy would be the finer
	// tool, but pulumi-kubernetes' Job await only recognises the
	// BackoffLimitExceeded and DeadlineExceeded failures: a Job failed by a
	// policy makes `up` wait for its timeout.)
	spec.RestartPolicy = corev1.RestartPolicyNever
	for _, vm := range m.VolumeMounts {
		spec.Containers[0].VolumeMounts = append(spec.Containers[0].VolumeMounts, *vm.DeepCopy())
	}
	for i, c := range m.InitContainers {
		spec.InitContainers = append(spec.InitContainers, p.secureContainer(*c.DeepCopy()))
		p.renameGenerated(spec.InitContainers[i].Env, spec.InitContainers[i].EnvFrom)
	}
	for i := range m.Volumes {
		spec.Volumes = append(spec.Volumes, *m.Volumes[i].DeepCopy())
	}
	return job
}

// membershipEnv is what the Job learns of the change and the cluster.
func (p *Plan) membershipEnv() []corev1.EnvVar {
	ns := p.Network.Spec
	return []corev1.EnvVar{
		FieldEnv(MembershipEnvNamespace, "metadata.namespace"),
		{Name: MembershipEnvReplicas, Value: strconv.Itoa(int(p.Spec.Replicas))},
		{Name: MembershipEnvOrdinalStart, Value: strconv.Itoa(int(p.Spec.OrdinalStart))},
		{Name: MembershipEnvStatefulSet, Value: p.Name},
		{Name: MembershipEnvService, Value: ns.ServiceName},
		{Name: MembershipEnvServiceFQDN, Value: naming.ServiceFQDN(ns.ServiceName, "$("+MembershipEnvNamespace+")", ns.ClusterDomain)},
	}
}

// membershipJobName is "<cluster>-members-<replicas>".
func (p *Plan) membershipJobName() string {
	return naming.Child(p.Name, "members-"+strconv.Itoa(int(p.Spec.Replicas)))
}

// membershipJob checks spec.membership.
func (v *validator) membershipJob(p *validation.Path) {
	m := v.spec.Membership
	v.initJob(p, m.InitJob, `give the command that takes the departing members out, e.g. ["sh", "-c", "<remove the members at and above $ORDINAL_REPLICAS>"]`)
	// The Job controller labels the Job's pods with its name.
	if name := naming.Child(v.name, "members-"+strconv.Itoa(int(v.spec.Replicas))); len(name) > k8svalidation.DNS1123LabelMaxLength {
		v.Invalid(validation.NewPath("name"), v.name, "is too long for the membership Job's name "+strconv.Quote(name)+" (at most 63 characters): shorten the cluster's name")
	}
	for i, e := range m.InitJob.Env {
		switch e.Name {
		case MembershipEnvNamespace, MembershipEnvReplicas, MembershipEnvOrdinalStart, MembershipEnvStatefulSet, MembershipEnvService, MembershipEnvServiceFQDN:
			v.Invalid(p.Child("env").Index(i).Child("name"), e.Name, "is set by the membership Job itself; use another name")
		}
	}
	for i, c := range m.InitContainers {
		cp := p.Child("initContainers").Index(i)
		if c.Name == "" {
			v.Required(cp.Child("name"), "name the init container")
		}
		v.Image(cp.Child("image"), c.Image)
		if c.Image == "" {
			v.Required(cp.Child("image"), "set the init container's image")
		}
	}
	names := map[string]bool{}
	for i, vol := range m.Volumes {
		if vol.Name == "" {
			v.Required(p.Child("volumes").Index(i).Child("name"), "name the volume")
		}
		names[vol.Name] = true
	}
	for i, vm := range m.VolumeMounts {
		if !names[vm.Name] {
			v.Invalid(p.Child("volumeMounts").Index(i).Child("name"), vm.Name, "names no volume of spec.membership.volumes; add the volume or fix the name")
		}
	}
}
