package cluster_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/network"
	"github.com/ordinal-dev/ordinal/pkg/validation/validationtest"
)

// TestAPILimits: limits and duplicates the API server refuses are refused
// before anything is registered, at the field to fix.
func TestAPILimits(t *testing.T) {
	secretRef := func(name, key string) *corev1.EnvVarSource {
		return &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}
	}
	tests := []struct {
		name string
		edit func(s *cluster.Spec)
		want []fieldProblem
	}{
		{"container port repeats a cluster port's number", func(s *cluster.Spec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{Name: "admin", ContainerPort: 8080}}
		}, []fieldProblem{{"spec.containers[0].ports[0].containerPort", `the cluster port "http" (spec.ports), which ordinal declares on this container, already uses 8080/TCP`}}},
		{"two container ports with one number", func(s *cluster.Spec) {
			s.Containers = append(s.Containers, corev1.Container{Name: "side", Image: "busybox", Ports: []corev1.ContainerPort{
				{Name: "a", ContainerPort: 9000}, {Name: "b", ContainerPort: 9000, Protocol: corev1.ProtocolTCP},
			}})
		}, []fieldProblem{{"spec.containers[1].ports[1].containerPort", "spec.containers[1].ports[0] already uses 9000/TCP"}}},
		{"secretKeyRef without a name", func(s *cluster.Spec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "PW", ValueFrom: secretRef("", "pw")}}
		}, []fieldProblem{{"spec.containers[0].env[0].valueFrom.secretKeyRef.name", "required: name the Secret to read from, or use cluster.SecretEnv"}}},
		{"configMapKeyRef without a key", func(s *cluster.Spec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}}}}
		}, []fieldProblem{{"spec.containers[0].env[0].valueFrom.configMapKeyRef.key", "required: name the key of the ConfigMap to read"}}},
		{"empty valueFrom", func(s *cluster.Spec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{}}}
		}, []fieldProblem{{"spec.containers[0].env[0].valueFrom", "required: set one source"}}},
		{"empty valueFrom in an init container", func(s *cluster.Spec) {
			s.InitContainers = []corev1.Container{{Name: "prep", Image: "busybox", Env: []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{}}}}}
		}, []fieldProblem{{"spec.initContainers[0].env[0].valueFrom", "required: set one source"}}},
		{"empty valueFrom in the init Job", func(s *cluster.Spec) {
			s.Init = &cluster.InitJob{Command: []string{"init"}, Env: []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{}}}}
		}, []fieldProblem{{"spec.init.env[0].valueFrom", "required: set one source"}}},
		{"two sources", func(s *cluster.Spec) {
			vf := secretRef("creds", "pw")
			vf.FieldRef = &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}
			s.Containers[0].Env = []corev1.EnvVar{{Name: "X", ValueFrom: vf}}
		}, []fieldProblem{{"spec.containers[0].env[0].valueFrom", "set only one source"}}},
		{"envFrom secretRef without a name", func(s *cluster.Spec) {
			s.Containers[0].EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{}}}
		}, []fieldProblem{{"spec.containers[0].envFrom[0].secretRef.name", "required: name the Secret"}}},
		{"config data over 1 MiB", func(s *cluster.Spec) {
			s.Config = &cluster.Config{Data: map[string]string{"a": strings.Repeat("x", 600<<10), "b": strings.Repeat("x", 600<<10)}}
		}, []fieldProblem{{"spec.config.data", "a ConfigMap holds at most 1048576 bytes (1 MiB) of keys and values"}}},
		{"annotations over 256 KiB", func(s *cluster.Spec) {
			s.Annotations = map[string]string{"example.com/blob": strings.Repeat("x", 256<<10)}
		}, []fieldProblem{{"spec.annotations", "the annotations of every object of the cluster (keys and values) must total at most"}}},
		{"annotations and pod annotations over 256 KiB together", func(s *cluster.Spec) {
			s.Annotations = map[string]string{"example.com/a": strings.Repeat("x", 130<<10)}
			s.PodAnnotations = map[string]string{"example.com/b": strings.Repeat("x", 130<<10)}
		}, []fieldProblem{{"spec.podAnnotations", "the annotations of the pod template"}}},
		{"client Service annotations over 256 KiB with the cluster's", func(s *cluster.Spec) {
			s.Annotations = map[string]string{"example.com/a": strings.Repeat("x", 130<<10)}
			s.Network.Client = &network.ClientService{Annotations: map[string]string{"example.com/b": strings.Repeat("x", 130<<10)}}
		}, []fieldProblem{{"spec.network.client.annotations", "the annotations of the client Service"}}},
		{"claim annotations over 256 KiB", func(s *cluster.Spec) {
			s.Claims[0].Annotations = map[string]string{"example.com/a": strings.Repeat("x", 256<<10)}
		}, []fieldProblem{{"spec.claims[0].annotations", "the annotations of the claim's PVCs"}}},
		{"claim size in millibytes", func(s *cluster.Spec) { s.Claims[0].Size = "1m" },
			[]fieldProblem{{"spec.claims[0].size", `must be a whole number of bytes ("m" means milli, not mega); use a size such as "1Gi"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			tt.edit(&s)
			_, err := cluster.New("db", s, cluster.Options{})
			validationtest.Assert(t, err, cluster.Kind, tt.want)
		})
	}
}

// TestAPILimitsAccepted: what the API server takes stays accepted.
func TestAPILimitsAccepted(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *cluster.Spec)
	}{
		{"redeclaring a cluster port under its name", func(s *cluster.Spec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}
		}},
		{"same number, other protocol", func(s *cluster.Spec) {
			s.Containers[0].Ports = []corev1.ContainerPort{{Name: "http-udp", ContainerPort: 8080, Protocol: corev1.ProtocolUDP}}
		}},
		{"secretKeyRef to a Secret of one's own", func(s *cluster.Spec) {
			s.Containers[0].Env = []corev1.EnvVar{{Name: "PW", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "creds"}, Key: "pw"}}}}
		}},
		{"config data just under 1 MiB", func(s *cluster.Spec) {
			s.Config = &cluster.Config{Data: map[string]string{"a": strings.Repeat("x", 1<<20-1)}}
		}},
		{"claim size 1500Mi", func(s *cluster.Spec) { s.Claims[0].Size = "1500Mi" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dbSpec()
			tt.edit(&s)
			mustPlan(t, s, cluster.Options{})
		})
	}
}
