package reliability

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// limitInputs are the corpus cases of the API server's limits and
// duplicates (issue 17, item 5) and of Pulumi inputs the SDK cannot use
// (item 11): each was accepted, then failed in the middle of an `up` or
// crashed the program.
func limitInputs() []badInput {
	big := strings.Repeat("x", 256<<10)
	half := strings.Repeat("x", 130<<10)
	emptyFrom := []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{}}}
	return []badInput{
		// --- DatabaseCluster: API limits and duplicates ---
		db("container port with the number of a cluster port", "spec.containers[0].ports[0].containerPort", "the API server refuses two ports of a container with the same number and protocol", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "admin", ContainerPort: 8080}}
		}),
		db("two container ports with one number", "spec.containers[0].ports[1].containerPort", "spec.containers[0].ports[0] already uses 9000/TCP", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "a", ContainerPort: 9000}, {Name: "b", ContainerPort: 9000}}
		}),
		db("secretKeyRef without a name", "spec.containers[0].env[0].valueFrom.secretKeyRef.name", "name the Secret to read from, or use cluster.SecretEnv", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "PW", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{Key: "pw"}}}}
		}),
		db("configMapKeyRef without a key", "spec.containers[0].env[0].valueFrom.configMapKeyRef.key", "name the key of the ConfigMap to read", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}}}}
		}),
		db("empty valueFrom", "spec.containers[0].env[0].valueFrom", "set one source: configMapKeyRef, secretKeyRef, fieldRef or resourceFieldRef", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].Env = emptyFrom
		}),
		db("empty valueFrom in an init container", "spec.initContainers[0].env[0].valueFrom", "set one source", func(a *components.DatabaseClusterArgs) {
			a.Spec.InitContainers = []corev1.Container{{Name: "prep", Image: "busybox", Env: emptyFrom}}
		}),
		db("envFrom secretRef without a name", "spec.containers[0].envFrom[0].secretRef.name", "name the Secret, or use", func(a *components.DatabaseClusterArgs) {
			a.Spec.Containers[0].EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{}}}
		}),
		db("config data over 1 MiB", "spec.config.data", "a ConfigMap holds at most 1048576 bytes (1 MiB)", func(a *components.DatabaseClusterArgs) {
			projected(a, map[string]string{"a.conf": strings.Repeat("x", 600<<10), "b.conf": strings.Repeat("x", 600<<10)})
		}),
		db("annotations over 256 KiB", "spec.annotations", "the API server allows 256 KiB per object", func(a *components.DatabaseClusterArgs) {
			a.Spec.Annotations = map[string]string{"example.com/blob": big}
		}),
		db("annotations and pod annotations over 256 KiB together", "spec.podAnnotations", "the annotations of the pod template", func(a *components.DatabaseClusterArgs) {
			a.Spec.Annotations = map[string]string{"example.com/a": half}
			a.Spec.PodAnnotations = map[string]string{"example.com/b": half}
		}),
		db("claim annotations over 256 KiB", "spec.claims[0].annotations", "the annotations of the claim's PVCs", func(a *components.DatabaseClusterArgs) {
			a.Spec.Claims[0].Annotations = map[string]string{"example.com/blob": big}
		}),
		db("claim size in millibytes", "spec.claims[0].size", `use a size such as "1Gi"`, func(a *components.DatabaseClusterArgs) { a.Spec.Claims[0].Size = "1m" }),
		db("node port the cluster's client Service does not publish", "spec.network.client.nodePorts[http]", "the client Service does not publish this port", func(a *components.DatabaseClusterArgs) {
			a.Spec.Network.Client = &network.ClientService{Type: corev1.ServiceTypeNodePort, Ports: []string{"sql"}, NodePorts: map[string]int32{"http": 30080}}
		}),
		// --- DatabaseCluster: the init Job's own pod settings (item 9) ---
		db("init Job pod annotation key with a space", "spec.init.podAnnotations[bad key]", "name part must consist of alphanumeric characters", func(a *components.DatabaseClusterArgs) {
			a.Spec.Init = &cluster.InitJob{Command: []string{"init"}, PodAnnotations: map[string]string{"bad key": "x"}}
		}),
		db("init Job node selector value that is no label value", "spec.init.nodeSelector[disk]", "label value", func(a *components.DatabaseClusterArgs) {
			a.Spec.Init = &cluster.InitJob{Command: []string{"init"}, NodeSelector: map[string]string{"disk": "fast ssd"}}
		}),
		db("init Job toleration without key", "spec.init.tolerations[0].operator", "an empty key needs operator Exists", func(a *components.DatabaseClusterArgs) {
			a.Spec.Init = &cluster.InitJob{Command: []string{"init"}, Tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpEqual, Value: "db"}}}
		}),
		db("init Job priority class that is no name", "spec.init.priorityClassName", "RFC 1123 subdomain", func(a *components.DatabaseClusterArgs) {
			a.Spec.Init = &cluster.InitJob{Command: []string{"init"}, PriorityClassName: "Critical_Class"}
		}),
		// --- DatabaseCluster: inputs the SDK cannot use ---
		db("secret value that is not UTF-8", "secretData[password]", "must be UTF-8 text", func(a *components.DatabaseClusterArgs) {
			a.SecretData = map[string]pulumi.StringInput{"password": pulumi.String("pw\xff")}
		}),
		db("zero-value LocalVolumePool", "pool", "use the *LocalVolumePool that NewLocalVolumePool returned", func(a *components.DatabaseClusterArgs) {
			a.Pool = &components.LocalVolumePool{}
		}),
		db("zero-value image output", "image", "is a zero-value output", func(a *components.DatabaseClusterArgs) { a.Image = pulumi.StringOutput{} }),
		db("zero-value images output", "images[db]", "is a zero-value output", func(a *components.DatabaseClusterArgs) {
			a.Images = map[string]pulumi.StringInput{"db": pulumi.StringOutput{}}
		}),
		db("zero-value namespace output", "namespace", "is a zero-value output", func(a *components.DatabaseClusterArgs) { a.Namespace = pulumi.StringOutput{} }),
		db("zero-value storage class output", "storageClassName", "is a zero-value output", func(a *components.DatabaseClusterArgs) { a.StorageClassName = pulumi.StringOutput{} }),
		db("zero-value secret output", "secretData[password]", "is a zero-value output", func(a *components.DatabaseClusterArgs) {
			a.SecretData = map[string]pulumi.StringInput{"password": pulumi.StringOutput{}}
		}),

		// --- LocalVolumePool ---
		pool("capacity in millibytes", "spec.capacity", `use a size such as "1Gi"`, func(a *components.LocalVolumePoolArgs) { a.Spec.Capacity = "1m" }),
		pool("annotations over 256 KiB", "spec.annotations", "the API server allows 256 KiB per object", func(a *components.LocalVolumePoolArgs) {
			a.Spec.Annotations = map[string]string{"example.com/blob": big}
		}),

		// --- HeadlessNetwork ---
		netCase("node port the client Service does not publish", "spec.client.nodePorts[raft]", "the client Service does not publish this port, so the node port would be dropped", func(a *components.HeadlessNetworkArgs) {
			a.Spec.Ports = append(a.Spec.Ports, network.Port{Name: "raft", Port: 2380, Peer: true})
			a.Spec.Client = &network.ClientService{Type: corev1.ServiceTypeNodePort, NodePorts: map[string]int32{"raft": 30001}}
		}),
		netCase("pod hostnames over 63 characters", "spec.statefulSetName", "must be a DNS label of at most 63 characters", func(a *components.HeadlessNetworkArgs) {
			a.Spec.StatefulSetName = strings.Repeat("s", 62)
		}),
		netNamed("pod hostnames of the name over 63 characters", strings.Repeat("n", 62), "name", "use a name of at most 61 characters"),
		netCase("annotations over 256 KiB", "spec.annotations", "the annotations of every Service", func(a *components.HeadlessNetworkArgs) {
			a.Spec.Annotations = map[string]string{"example.com/blob": big}
		}),
		netCase("client annotations over 256 KiB with the others", "spec.client.annotations", "the annotations of the client Service", func(a *components.HeadlessNetworkArgs) {
			a.Spec.Annotations = map[string]string{"example.com/a": half}
			a.Spec.Client = &network.ClientService{Annotations: map[string]string{"example.com/b": half}}
		}),
		netCase("zero-value namespace output", "namespace", "is a zero-value output", func(a *components.HeadlessNetworkArgs) { a.Namespace = pulumi.StringOutput{} }),
	}
}

// netNamed is a HeadlessNetwork case with another component name.
func netNamed(desc, name, field, advice string) badInput {
	c := netCase(desc, field, advice, func(*components.HeadlessNetworkArgs) {})
	c.name = name
	return c
}
