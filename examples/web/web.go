// Package web is the StatefulSet of the Kubernetes "StatefulSet Basics"
// tutorial, written directly as a cluster.Spec (no engine profile): the
// nginx StatefulSet "web" governed by the headless Service "nginx", two
// replicas, and a 1Gi "www" claim per pod. nginx answers "/" with the
// pod's name and serves the claim's files under "/data/"; its
// configuration is the generated ConfigMap's nginx.conf in the projected
// config directory. Claims bind to a LocalVolumePool when config
// "poolNodes" lists nodes, or else to the storage class of config
// "storageClass".
package web

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/components"
	"github.com/ordinal-dev/ordinal/components/render"
	"github.com/ordinal-dev/ordinal/examples/internal/exampleconfig"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
	"github.com/ordinal-dev/ordinal/pkg/localpv"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// DefaultImage is the nginx image of the local development cluster
// (Debian's nginx). Any nginx image works as uid 1000: the configuration
// needs no root (port 8080, pid file and temporary files under /tmp, logs
// to stdout and stderr). The tutorial's registry.k8s.io/nginx-slim works
// too ("nginx:1.27" as well).
const DefaultImage = "localhost/nginx:1"

// Port is the port nginx listens on, named "web".
const Port int32 = 8080

// UID is the user, group and fsGroup nginx runs as.
const UID int64 = 1000

// ConfigDir is the projected config directory holding nginx.conf.
const ConfigDir = "/etc/ordinal"

// WebRoot is where each pod's "www" claim is mounted; nginx serves it
// under /data/.
const WebRoot = "/usr/share/nginx/html"

// NginxConf is nginx's complete configuration: "/" answers with the pod's
// name (nginx's $hostname), "/data/" serves the files of the pod's claim.
const NginxConf = `worker_processes 1;
error_log stderr notice;
pid /tmp/nginx.pid;

events {
    worker_connections 256;
}

http {
    access_log /dev/stdout;
    default_type text/plain;
    client_body_temp_path /tmp/nginx-client-body;
    proxy_temp_path /tmp/nginx-proxy;
    fastcgi_temp_path /tmp/nginx-fastcgi;
    uwsgi_temp_path /tmp/nginx-uwsgi;
    scgi_temp_path /tmp/nginx-scgi;

    server {
        listen 8080;

        location = / {
            return 200 "$hostname\n";
        }

        location /data/ {
            alias ` + WebRoot + `/;
        }
    }
}
`

// Config is the stack's configuration. Every key is optional.
type Config struct {
	// Namespace (must exist); config "namespace", default "default".
	Namespace string
	// Replicas; config "replicas", default 2.
	Replicas int32
	// Image; config "image", default DefaultImage.
	Image string
	// PoolNodes, when set, creates a LocalVolumePool "web-disks" with one
	// volume per node for the claims; config "poolNodes" (comma list). Its
	// StorageClass is StorageClass, or "web-disks" when that is empty.
	PoolNodes []string
	// DiskPath and DiskCapacity of the pool's volumes; config "diskPath"
	// (default /mnt/disks/www) and "diskCapacity" (default 1Gi).
	DiskPath, DiskCapacity string
	// StorageClass of the claims; config "storageClass", default "": the
	// pool's class with a pool, or else the cluster's default class.
	StorageClass string
	// Render is a directory to write YAML to instead of deploying (package
	// components/render); config "render".
	Render string
}

// LoadConfig reads Config from the stack's config.
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	cfg := config.New(ctx, "")
	replicas, err := exampleconfig.Int32(cfg, "replicas", 2)
	if err != nil {
		return Config{}, err
	}
	return Config{
		Namespace:    exampleconfig.String(cfg, "namespace", "default"),
		Replicas:     replicas,
		Image:        exampleconfig.String(cfg, "image", DefaultImage),
		PoolNodes:    exampleconfig.List(cfg, "poolNodes", nil),
		DiskPath:     exampleconfig.String(cfg, "diskPath", "/mnt/disks/www"),
		DiskCapacity: exampleconfig.String(cfg, "diskCapacity", "1Gi"),
		StorageClass: cfg.Get("storageClass"),
		Render:       cfg.Get(render.ConfigKey),
	}, nil
}

// Spec is the tutorial's StatefulSet as a cluster.Spec.
func Spec(c Config) cluster.Spec {
	maxUnavailable := intstr.FromInt32(1)
	return cluster.Spec{
		AppName:  "nginx",
		Version:  engines.ImageVersion(c.Image),
		Replicas: c.Replicas,
		Ports:    []network.Port{{Name: "web", Port: Port, AppProtocol: "http", Client: true}},
		Network:  cluster.Network{ServiceName: "nginx"},
		Containers: []corev1.Container{{
			Name:  "nginx",
			Image: c.Image,
			// -e stderr: nginx opens its compiled-in error log before
			// reading the configuration; that file is not writable here.
			Command: []string{"nginx", "-e", "stderr", "-c", ConfigDir + "/nginx.conf", "-g", "daemon off;"},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
				Path: "/", Port: intstr.FromString("web"),
			}}},
			LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{
				Port: intstr.FromString("web"),
			}}},
		}},
		Claims: []cluster.Claim{{
			Name: "www", Size: "1Gi", MountPath: WebRoot, StorageClassName: c.StorageClass,
		}},
		Config: &cluster.Config{
			MountPath: ConfigDir,
			Data:      map[string]string{"nginx.conf": NginxConf},
		},
		// Stateless pods: let one go at a time (the quorum default would
		// block drains with two replicas).
		Disruption: &cluster.Disruption{MaxUnavailable: &maxUnavailable},
		// The restricted defaults (non-root, no privilege escalation, all
		// capabilities dropped, seccomp RuntimeDefault) as uid/gid 1000.
		Security: cluster.Security{RunAsUser: new(UID), RunAsGroup: new(UID), FSGroup: new(UID)},
	}
}

// Stack is what Deploy created.
type Stack struct {
	// Pool is nil without config "poolNodes".
	Pool    *components.LocalVolumePool
	Cluster *components.DatabaseCluster
	// Outputs are the stack outputs Program exports.
	Outputs pulumi.Map
}

// Deploy creates the StatefulSet (and the pool) described by c.
func Deploy(ctx *pulumi.Context, c Config) (*Stack, error) {
	opts, err := render.Options(ctx, c.Render)
	if err != nil {
		return nil, err
	}
	s := &Stack{}
	var class pulumi.StringOutput
	if len(c.PoolNodes) > 0 {
		if s.Pool, err = components.NewLocalVolumePool(ctx, "web-disks", &components.LocalVolumePoolArgs{
			Spec: localpv.Spec{StorageClassName: c.StorageClass, Nodes: c.PoolNodes, Path: c.DiskPath, Capacity: c.DiskCapacity},
		}, opts...); err != nil {
			return nil, err
		}
		class = s.Pool.StorageClassName
	} else {
		class = pulumi.String(c.StorageClass).ToStringOutput()
	}
	s.Cluster, err = components.NewDatabaseCluster(ctx, "web", &components.DatabaseClusterArgs{
		Namespace: pulumi.String(c.Namespace),
		Spec:      Spec(c),
		Pool:      s.Pool,
	}, opts...)
	if err != nil {
		return nil, err
	}
	s.Outputs = pulumi.Map{
		"podFqdns":         s.Cluster.PodFQDNs,
		"clientEndpoints":  s.Cluster.ClientEndpoints,
		"statefulSetName":  s.Cluster.StatefulSetName,
		"serviceName":      s.Cluster.ServiceName,
		"storageClassName": class,
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
