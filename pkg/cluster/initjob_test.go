package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
)

// TestInitJobRunsAgainOnlyForItsOwnChanges: a Job's template is immutable,
// so any change to it replaces the Job and runs the bootstrap again (issue
// 17, item 9: a `team` label re-ran it on a live cluster). The template
// must change for a change of what the Job runs, and for nothing else. The
// first container's image, which the Job runs by default, is in the
// template but ignored by the component once the Job exists
// (components.InitJobOptions), so the comparison leaves it out.
func TestInitJobRunsAgainOnlyForItsOwnChanges(t *testing.T) {
	base := func() cluster.Spec {
		s := dbSpec()
		s.Init = &cluster.InitJob{Command: []string{"/cockroach/cockroach", "init", "--host=db-0.db"}}
		s.Config = &cluster.Config{Data: map[string]string{"cluster.conf": "cache=25%\n"}}
		return s
	}
	tests := []struct {
		name   string
		change func(*cluster.Spec)
		rerun  bool
	}{
		{"spec.labels", func(s *cluster.Spec) { s.Labels = map[string]string{"team": "data"} }, false},
		{"spec.annotations", func(s *cluster.Spec) { s.Annotations = map[string]string{"owner": "dba"} }, false},
		{"spec.podLabels", func(s *cluster.Spec) { s.PodLabels = map[string]string{"tier": "db"} }, false},
		{"spec.podAnnotations", func(s *cluster.Spec) { s.PodAnnotations = map[string]string{"prometheus.io/scrape": "true"} }, false},
		{"spec.scheduling.nodeSelector", func(s *cluster.Spec) { s.Scheduling.NodeSelector = map[string]string{"disk": "ssd"} }, false},
		{"spec.scheduling.tolerations", func(s *cluster.Spec) {
			s.Scheduling.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists}}
		}, false},
		{"spec.priorityClassName", func(s *cluster.Spec) { s.PriorityClassName = "critical" }, false},
		{"the database's image (a new version)", func(s *cluster.Spec) { s.Containers[0].Image = "cockroachdb/cockroach:v24.2.0" }, false},
		{"spec.replicas", func(s *cluster.Spec) { s.Replicas = 5 }, false},
		{"the config, not mounted by the Job", func(s *cluster.Spec) { s.Config.Data["cluster.conf"] = "cache=50%\n" }, false},

		{"init.command", func(s *cluster.Spec) { s.Init.Command = append(s.Init.Command, "--insecure") }, true},
		{"init.env", func(s *cluster.Spec) { s.Init.Env = []corev1.EnvVar{{Name: "COCKROACH_HOST", Value: "db-0.db"}} }, true},
		{"init.image", func(s *cluster.Spec) { s.Init.Image = "cockroachdb/cockroach:v24.1.0" }, true},
		{"init.podAnnotations", func(s *cluster.Spec) { s.Init.PodAnnotations = map[string]string{"sidecar.istio.io/inject": "false"} }, true},
		{"init.nodeSelector", func(s *cluster.Spec) { s.Init.NodeSelector = map[string]string{"disk": "ssd"} }, true},
		{"init.priorityClassName", func(s *cluster.Spec) { s.Init.PriorityClassName = "critical" }, true},
		{"the config, mounted by the Job", func(s *cluster.Spec) {
			s.Config.InitJob = true
		}, true},
	}
	template := func(s cluster.Spec) corev1.PodTemplateSpec {
		tmpl := *mustPlan(t, s, cluster.Options{}).InitJob.Spec.Template.DeepCopy()
		if s.Init.Image == "" {
			tmpl.Spec.Containers[0].Image = "" // ignored (components.InitJobOptions)
		}
		return tmpl
	}
	before := template(base())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			tt.change(&s)
			after := template(s)
			if tt.rerun {
				assert.NotEqual(t, before, after, "the Job's template must change: what it runs changed")
			} else {
				assert.Equal(t, before, after, "the Job's template must not change: the Job would run again")
			}
		})
	}
}

// TestInitJobObjectCarriesTheClusterLabels: the labels left out of the
// Job's pod are on the Job object, where a change is an update in place.
func TestInitJobObjectCarriesTheClusterLabels(t *testing.T) {
	s := dbSpec()
	s.Init = &cluster.InitJob{Command: []string{"init"}, PodAnnotations: map[string]string{"sidecar.istio.io/inject": "false"}}
	s.Labels = map[string]string{"team": "data"}
	s.PodAnnotations = map[string]string{"prometheus.io/scrape": "true"}
	job := mustPlan(t, s, cluster.Options{}).InitJob
	assert.Equal(t, "data", job.Labels["team"])
	assert.NotContains(t, job.Spec.Template.Labels, "team")
	assert.Equal(t, map[string]string{"sidecar.istio.io/inject": "false"}, job.Spec.Template.Annotations)
}
