// Package projectedconfig reproduces the example of the Kubernetes
// projected-volume proposal ("all-in-one"): one directory in a pod that
// merges
//
//   - a Secret item at my-group/my-username,
//   - the pod's labels (file "labels") and annotations (file "annotations")
//     and its container's limits.cpu (file "cpu_limit") from the downward API,
//   - a ConfigMap item at my-group/my-config.
//
// The Secret and ConfigMap are ordinary objects the program creates; the
// DatabaseCluster's spec.Config.Sources projects the chosen items into
// /projected-volume of a one-replica pod whose shell only keeps it alive,
// and whose readiness checks that every projected file exists.
package projectedconfig

import (
	"fmt"
	"strings"

	corev1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1sdk "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/examples/internal/exampleconfig"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// Names and paths of the example.
const (
	// Name of the cluster (StatefulSet "projected", pod "projected-0").
	Name = "projected"
	// ContainerName is the container whose limits.cpu is projected.
	ContainerName = "container-test"
	// MountPath is the merged directory.
	MountPath = "/projected-volume"
	// VolumeName is the projected volume's name.
	VolumeName = "all-in-one"
	// SecretName and ConfigMapName are the objects the items come from.
	SecretName    = Name + "-mysecret"
	ConfigMapName = Name + "-myconfigmap"
	// DefaultImage is the busybox image of the local development cluster;
	// any image with a POSIX shell, sleep and test (e.g. "busybox:1.36")
	// works.
	DefaultImage = "localhost/base:1"
)

// Files are the paths of the projected files in MountPath, in the
// proposal's order.
func Files() []string {
	return []string{"my-group/my-username", "labels", "annotations", "cpu_limit", "my-group/my-config"}
}

// KeepAlive is the container's shell script: it does nothing but wait,
// and on SIGTERM stops its sleep and exits at once (a shell that is PID 1
// ignores signals it has no trap for, which would stall every deletion for
// the grace period).
const KeepAlive = `trap 'kill $! 2>/dev/null; exit 0' TERM INT; while :; do sleep 3600 & wait $!; done`

// ReadyScript is the readiness check: every file of Files exists in
// MountPath.
func ReadyScript() string {
	checks := make([]string, 0, len(Files()))
	for _, f := range Files() {
		checks = append(checks, "test -f "+MountPath+"/"+f)
	}
	return strings.Join(checks, " && ")
}

// Config is the stack's configuration. Every key is optional.
type Config struct {
	// Namespace (must exist); config "namespace", default "default".
	Namespace string
	// Image; config "image", default DefaultImage.
	Image string
	// Username is projected at my-group/my-username; secret config
	// "username", default "admin".
	Username pulumi.StringOutput
	// ConfigValue is projected at my-group/my-config; config "configValue".
	ConfigValue string
	// CPULimit of the container, projected as cpu_limit; config "cpuLimit",
	// default 250m.
	CPULimit string
	// Render is a directory to write YAML to instead of deploying (package
	// components/render); config "render".
	Render string
}

// LoadConfig reads Config from the stack's config.
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	cfg := config.New(ctx, "")
	username := pulumi.ToSecret(pulumi.String("admin")).(pulumi.StringOutput)
	if cfg.Get("username") != "" {
		username = cfg.GetSecret("username")
	}
	cpu := exampleconfig.String(cfg, "cpuLimit", "250m")
	if _, err := resource.ParseQuantity(cpu); err != nil {
		return Config{}, fmt.Errorf("config \"cpuLimit\": %q is not a quantity such as \"250m\"", cpu)
	}
	return Config{
		Namespace:   exampleconfig.String(cfg, "namespace", "default"),
		Image:       exampleconfig.String(cfg, "image", DefaultImage),
		Username:    username,
		ConfigValue: exampleconfig.String(cfg, "configValue", "log-level=info\nfeature-x=on\n"),
		CPULimit:    cpu,
		Render:      cfg.Get(render.ConfigKey),
	}, nil
}

// Sources are the projections of the "all-in-one" volume, in the
// proposal's order.
func Sources() []corev1.VolumeProjection {
	return []corev1.VolumeProjection{
		{Secret: &corev1.SecretProjection{
			LocalObjectReference: corev1.LocalObjectReference{Name: SecretName},
			// Owner-only, as a secret should be; with the pod's fsGroup the
			// kubelet adds group read (0440), never read for others.
			Items: []corev1.KeyToPath{{Key: "username", Path: "my-group/my-username", Mode: ptr.To(int32(0o400))}},
		}},
		{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{
			{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
			{Path: "annotations", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.annotations"}},
			// In millicores ("250"); Kubernetes' default divisor 1 would round up to "1".
			{Path: "cpu_limit", ResourceFieldRef: &corev1.ResourceFieldSelector{
				ContainerName: ContainerName, Resource: "limits.cpu", Divisor: resource.MustParse("1m"),
			}},
		}}},
		{ConfigMap: &corev1.ConfigMapProjection{
			LocalObjectReference: corev1.LocalObjectReference{Name: ConfigMapName},
			Items:                []corev1.KeyToPath{{Key: "config", Path: "my-group/my-config"}},
		}},
	}
}

// Spec is the one-replica pod that mounts the merged directory.
// c.CPULimit must be a valid quantity (LoadConfig checks it).
func Spec(c Config) cluster.Spec {
	cpu := resource.MustParse(c.CPULimit)
	res := corev1.ResourceList{corev1.ResourceCPU: cpu, corev1.ResourceMemory: resource.MustParse("32Mi")}
	return cluster.Spec{
		Version:  engines.ImageVersion(c.Image),
		Replicas: 1,
		// A DatabaseCluster's Services need a named port; nothing listens
		// on it: read the files with kubectl exec.
		Ports: []network.Port{{Name: "unused", Port: 8080}},
		Containers: []corev1.Container{{
			Name:      ContainerName,
			Image:     c.Image,
			Command:   []string{"sh", "-c", KeepAlive},
			Resources: corev1.ResourceRequirements{Requests: res, Limits: res},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"sh", "-c", ReadyScript()}}},
				PeriodSeconds: 5,
			},
		}},
		Config: &cluster.Config{
			MountPath:  MountPath,
			VolumeName: VolumeName,
			Sources:    Sources(),
		},
		PodLabels:      map[string]string{"tier": "demo"},
		PodAnnotations: map[string]string{"example.com/build": "proposal-example"},
		// One replica cannot stay available through a disruption: no budget.
		Disruption: &cluster.Disruption{Disabled: true},
	}
}

// Stack is what Deploy created.
type Stack struct {
	Secret    *corev1sdk.Secret
	ConfigMap *corev1sdk.ConfigMap
	Cluster   *components.DatabaseCluster
	// Outputs are the stack outputs Program exports.
	Outputs pulumi.Map
}

// Deploy creates the Secret, the ConfigMap and the pod described by c.
func Deploy(ctx *pulumi.Context, c Config) (*Stack, error) {
	opts, err := render.Options(ctx, c.Render)
	if err != nil {
		return nil, err
	}
	ns := pulumi.String(c.Namespace)
	s := &Stack{}
	if s.Secret, err = corev1sdk.NewSecret(ctx, SecretName, &corev1sdk.SecretArgs{
		Metadata:   metav1sdk.ObjectMetaArgs{Name: pulumi.String(SecretName), Namespace: ns},
		StringData: pulumi.StringMap{"username": c.Username},
	}, opts...); err != nil {
		return nil, err
	}
	if s.ConfigMap, err = corev1sdk.NewConfigMap(ctx, ConfigMapName, &corev1sdk.ConfigMapArgs{
		Metadata: metav1sdk.ObjectMetaArgs{Name: pulumi.String(ConfigMapName), Namespace: ns},
		Data:     pulumi.StringMap{"config": pulumi.String(c.ConfigValue)},
	}, opts...); err != nil {
		return nil, err
	}
	clusterOpts := append([]pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{s.Secret, s.ConfigMap})}, opts...)
	if s.Cluster, err = components.NewDatabaseCluster(ctx, Name, &components.DatabaseClusterArgs{
		Namespace: ns,
		Spec:      Spec(c),
	}, clusterOpts...); err != nil {
		return nil, err
	}
	s.Outputs = pulumi.Map{
		"podFqdns":        s.Cluster.PodFQDNs,
		"statefulSetName": s.Cluster.StatefulSetName,
		"mountPath":       pulumi.String(MountPath),
		"files":           pulumi.ToStringArray(Files()),
	}
	return s, nil
}

// Program is the Pulumi program: Deploy with the stack's config, then
// export the outputs.
func Program(ctx *pulumi.Context) error {
	c, err := LoadConfig(ctx)
	if err != nil {
		return err
	}
	s, err := Deploy(ctx, c)
	if err != nil {
		return err
	}
	for k, v := range s.Outputs {
		ctx.Export(k, v)
	}
	return nil
}
