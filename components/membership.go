package components

import (
	batchv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/batch/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/components/internal/bridge"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/labels"
	"github.com/ordinal-dev/ordinal/pkg/naming"

	"github.com/ordinal-dev/ordinal/components/kubetypes"
)

// The membership Job of a profile that has one (pkg/cluster/membership.go).
//
// Contract: the Job "<cluster>-members-<replicas>" is registered as
// "<cluster>-members", after everything the StatefulSet depends on and
// before the StatefulSet, which depends on it. A change of Replicas
// renames it, so Pulumi replaces it: the new Job is created and awaited
// to completion (it takes the departing members out of the database)
// before the StatefulSet is updated, and the old Job is deleted after.
// `preview` lists the replacement next to the StatefulSet's new replica
// count. A Job that fails (the database refused, or did not answer) fails
// `up` with its pods' last message and the StatefulSet keeps its replicas;
// the next `up` replaces the failed Job (pulumi.com/replaceUnready) and
// runs it again. An `up` killed while the Job runs leaves it running: the
// next `up` applies the same object again (server-side apply adopts it,
// pulumi.com/patchForce takes over the killed run's fields) and waits for
// it. Unlike the init Job, a new image re-runs it: the
// membership Job must be idempotent, and must not keep an image the
// registry may have dropped.

// MembershipJobAnnotations are the provider annotations of the membership
// Job: the init Job's (replaceUnready, the await timeout) and patchForce.
// An `up` killed after it created the Job leaves its fields owned by a
// field manager the next `up` does not have; that `up` applies the same
// Job again, and must take them over instead of failing on a conflict.
func MembershipJobAnnotations(timeout int) map[string]string {
	return labels.Merge(InitJobAnnotations(timeout), map[string]string{annotationPatchForce: "true"})
}

// membershipResourceName is the membership Job's resource name.
func membershipResourceName(name string) string { return naming.Child(name, "members") }

// registerMembership registers the plan's membership Job in ns; nil
// without one.
func registerMembership(ctx *pulumi.Context, name string, plan *cluster.Plan, deployed *deployTime, ns pulumi.StringInput, timeout int, opts ...pulumi.ResourceOption) (*batchv1.Job, error) {
	if plan.MembershipJob == nil {
		return nil, nil
	}
	res := membershipResourceName(name)
	spec, err := resolveSpec(deployed, plan.MembershipJobReads(), func(d cluster.Deployed) (any, error) {
		return bridge.Tree[batchv1.JobSpec](plan.ResolveMembershipJob(d).Spec)
	})
	if err != nil {
		return nil, childError(kubetypes.Job, res, err)
	}
	meta := plan.MembershipJob.ObjectMeta
	meta.Annotations = labels.Merge(meta.Annotations, MembershipJobAnnotations(timeout))
	return registerJob(ctx, res, meta, spec, ns, opts...)
}
