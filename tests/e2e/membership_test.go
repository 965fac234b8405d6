//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"

	"github.com/ordinal-dev/ordinal/examples/etcd"
)

// TestEtcdScaleDown scales examples/etcd from 5 members to 3 on kwok: the
// preview lists the membership Job's replacement ("<name>-members-5" =>
// "-3") beside the StatefulSet's new replica count, and `up` completes
// the new Job before it applies the new count to the StatefulSet (times
// from the API server). kwok completes the Job's pod without running it:
// what the script does to real members is tests/realpods' (the
// data-safety suite's scale rows).
func TestEtcdScaleDown(t *testing.T) {
	ns := namespace(t, "e2e-etcd-scale", restricted)
	const name = "scale"
	deletePoolVolumes(t, name+"-disks")
	s := newInlineStack(t, "etcd-scale", etcd.Program)
	nodes := "node-0,node-1,node-2,node-3,node-4"
	s.setConfig(map[string]string{"namespace": ns, "name": name, "replicas": "5", "nodes": nodes})

	done := step(t, "five members")
	s.up("5 members")
	waitPodsReady(t, ns, name, 5)
	var job batchv1.Job
	getJSON(t, &job, "job", "-n", ns, name+"-members-5")
	done()

	done = step(t, "preview of 5 -> 3 shows the membership Job before the StatefulSet")
	s.setConfig(map[string]string{"replicas": "3"})
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	buf, w := progress()
	var pre auto.PreviewResult
	pre, err := s.stack.Preview(ctx, optpreview.ProgressStreams(w), optpreview.ErrorProgressStreams(w), optpreview.Diff())
	require.NoError(t, err, tail(buf.String(), 40))
	out := buf.String()
	t.Logf("preview:\n%s", out)
	assert.Regexp(t, `\+-kubernetes:batch/v1:Job: \(replace\)[\s\S]*?\[urn=\S+::`+name+`-members\][\s\S]*?~ name\s*: "`+name+`-members-5" => "`+name+`-members-3"`, out)
	assert.Regexp(t, `~ kubernetes:apps/v1:StatefulSet: \(update\)[\s\S]*?~ replicas\s*: 5 => 3`, out)
	assert.Equal(t, 1, pre.ChangeSummary["replace"], "the membership Job: %v", pre.ChangeSummary)
	done()

	done = step(t, "up: the Job completes before the StatefulSet shrinks")
	s.up("3 members")
	var sts appsv1.StatefulSet
	getJSON(t, &sts, "statefulset", "-n", ns, name, "--show-managed-fields")
	assert.Equal(t, int32(3), *sts.Spec.Replicas)
	getJSON(t, &job, "job", "-n", ns, name+"-members-3")
	require.NotNil(t, job.Status.CompletionTime, "the Job completed")
	assert.Equal(t, "3", jobEnv(job, "ORDINAL_REPLICAS"))
	var applied time.Time
	for _, m := range sts.ManagedFields {
		if m.Operation == "Apply" && m.Time != nil && m.Time.After(applied) {
			applied = m.Time.Time
		}
	}
	require.False(t, applied.IsZero(), "the StatefulSet's managed fields have the time of pulumi's apply")
	assert.False(t, applied.Before(job.Status.CompletionTime.Time),
		"the StatefulSet was applied (%s) after the Job completed (%s)", applied, job.Status.CompletionTime.Time)
	_, err = henv().Kubectl("get", "job", "-n", ns, name+"-members-5")
	assert.Error(t, err, "the old Job is deleted")
	waitPodsReady(t, ns, name, 3)
	for _, i := range []int{3, 4} {
		_, err := henv().Kubectl("get", "pvc", "-n", ns, fmt.Sprintf("datadir-%s-%d", name, i))
		assert.NoError(t, err, "the claim of member %d stays", i)
	}
	done()

	done = step(t, "a second up changes nothing")
	res := s.up("unchanged")
	assert.True(t, onlySame(res.Summary.ResourceChanges), "a second up changed something: %v %v", changes(res.Summary.ResourceChanges), res.Steps)
	done()
}

// jobEnv is the value of the env var name of a Job's first container.
func jobEnv(job batchv1.Job, name string) string {
	for _, e := range job.Spec.Template.Spec.Containers[0].Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}
