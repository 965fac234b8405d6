package cluster_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

func membershipSpec() cluster.Spec {
	s := dbSpec()
	s.Membership = &cluster.MembershipJob{
		InitJob:        cluster.InitJob{Command: []string{"sh", "-c", "leave"}, Env: []corev1.EnvVar{{Name: "MODE", Value: "decommission"}}},
		InitContainers: []corev1.Container{{Name: "tools", Image: "busybox:1.37", Command: []string{"cp"}}},
		Volumes:        []corev1.Volume{{Name: "tools", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		VolumeMounts:   []corev1.VolumeMount{{Name: "tools", MountPath: "/tools"}},
	}
	return s
}

// TestMembershipJobPlan: the Job is named by the replica count, tells its
// container the change before the profile's own env, makes one attempt
// and reports its failure through the termination message.
func TestMembershipJobPlan(t *testing.T) {
	for _, replicas := range []int32{1, 3, 7} {
		s := membershipSpec()
		s.Replicas = replicas
		s.OrdinalStart = 2
		job := mustPlan(t, s, cluster.Options{}).MembershipJob
		require.NotNil(t, job)
		assert.Equal(t, "db-members-"+strconv.Itoa(int(replicas)), job.Name)
		assert.Equal(t, "membership", job.Spec.Template.Labels["app.kubernetes.io/component"])
		pod := job.Spec.Template.Spec
		assert.Equal(t, corev1.RestartPolicyNever, pod.RestartPolicy)
		assert.Equal(t, int32(0), *job.Spec.BackoffLimit, "one attempt: the script retries what is worth retrying")
		assert.Equal(t, int64(900), *job.Spec.ActiveDeadlineSeconds)
		require.Len(t, pod.Containers, 1)
		c := pod.Containers[0]
		assert.Equal(t, cluster.MembershipContainerName, c.Name)
		assert.Equal(t, "cockroachdb/cockroach:v24.1.0", c.Image, "the first container's image by default")
		assert.Equal(t, corev1.TerminationMessageFallbackToLogsOnError, c.TerminationMessagePolicy)
		env := map[string]string{}
		for _, e := range c.Env {
			env[e.Name] = e.Value
		}
		assert.Equal(t, map[string]string{
			"POD_NAMESPACE":        "",
			"ORDINAL_REPLICAS":     strconv.Itoa(int(replicas)),
			"ORDINAL_START":        "2",
			"ORDINAL_STATEFULSET":  "db",
			"ORDINAL_SERVICE":      "db",
			"ORDINAL_SERVICE_FQDN": "db.$(POD_NAMESPACE).svc.cluster.local",
			"MODE":                 "decommission",
		}, env)
		assert.Equal(t, "MODE", c.Env[len(c.Env)-1].Name, "the profile's env comes after")
		assert.Equal(t, []corev1.VolumeMount{{Name: "tools", MountPath: "/tools"}}, c.VolumeMounts)
		require.Len(t, pod.InitContainers, 1)
		assert.NotNil(t, pod.InitContainers[0].SecurityContext, "the init container runs under the cluster's security profile")
		assert.Equal(t, []corev1.Volume{{Name: "tools", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}, pod.Volumes)
	}
	assert.Nil(t, mustPlan(t, dbSpec(), cluster.Options{}).MembershipJob, "none without spec.membership")
}

// TestMembershipJobRunsOnEveryChangeOfReplicas: the Job's name, and so
// the Job, changes with the replica count and with nothing the cluster's
// metadata holds.
func TestMembershipJobRunsOnEveryChangeOfReplicas(t *testing.T) {
	plan := func(edit func(*cluster.Spec)) *batchv1.Job {
		s := membershipSpec()
		edit(&s)
		return mustPlan(t, s, cluster.Options{}).MembershipJob
	}
	base := plan(func(*cluster.Spec) {})
	assert.NotEqual(t, base.Name, plan(func(s *cluster.Spec) { s.Replicas = 5 }).Name)
	labelled := plan(func(s *cluster.Spec) { s.Labels = map[string]string{"team": "data"} })
	assert.Equal(t, base.Name, labelled.Name)
	assert.Equal(t, base.Spec.Template, labelled.Spec.Template, "labels go on the Job object, not its template")
}

func TestMembershipJobValidation(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *cluster.Spec)
		want []fieldProblem
	}{
		{"no command", func(s *cluster.Spec) { s.Membership.Command = nil },
			[]fieldProblem{{"spec.membership.command", "give the command that takes the departing members out"}}},
		{"an env var the Job sets itself", func(s *cluster.Spec) {
			s.Membership.Env = append(s.Membership.Env, corev1.EnvVar{Name: "ORDINAL_REPLICAS", Value: "9"})
		}, []fieldProblem{{"spec.membership.env[1].name", "is set by the membership Job itself; use another name"}}},
		{"a mount of no volume", func(s *cluster.Spec) { s.Membership.VolumeMounts[0].Name = "tool" },
			[]fieldProblem{{"spec.membership.volumeMounts[0].name", "names no volume of spec.membership.volumes"}}},
		{"an init container without image", func(s *cluster.Spec) { s.Membership.InitContainers[0].Image = "" },
			[]fieldProblem{{"spec.membership.initContainers[0].image", "set the init container's image"}}},
		{"a negative deadline", func(s *cluster.Spec) { s.Membership.ActiveDeadlineSeconds = new(int64(-1)) },
			[]fieldProblem{{"spec.membership.activeDeadlineSeconds", "must be > 0"}}},
		{"100 replicas: the Job's name is too long", func(s *cluster.Spec) { s.Replicas = 100 },
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := membershipSpec()
			tt.edit(&s)
			_, err := cluster.New("db", s, cluster.Options{})
			if tt.want == nil {
				assert.NoError(t, err, "db-members-100 fits")
				return
			}
			validationtest.Assert(t, err, cluster.Kind, tt.want)
		})
	}
	long := strings.Repeat("a", cluster.MaxNameLength)
	s := membershipSpec()
	s.Replicas = 100
	s.Network.ServiceName = "db"
	_, err := cluster.New(long, s, cluster.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is too long for the membership Job's name")
}
