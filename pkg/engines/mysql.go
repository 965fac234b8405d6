package engines

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// MySQL defaults.
const (
	// DefaultMySQLImage is the image the MySQL profile runs.
	DefaultMySQLImage = "mysql:8.4"
	// MySQLDataDir is where the data claim is mounted.
	MySQLDataDir = "/var/lib/mysql"
	// MySQLPort is the client port.
	MySQLPort int32 = 3306
	// MySQLPortName is the name of the client port.
	MySQLPortName = "mysql"
	// MySQLRootPasswordKey is the key of the generated Secret that holds the
	// root password: pass it as components.DatabaseClusterArgs.SecretData
	// (e.g. {MySQLRootPasswordKey: cfg.RequireSecret("mysqlRootPassword")}).
	MySQLRootPasswordKey = "mysql-root-password"
	// MySQLUID is the mysql user of the official image.
	MySQLUID int64 = 999
)

// MySQLOptions shape the MySQL profile. Zero values take the documented
// defaults.
type MySQLOptions struct {
	// Image defaults to DefaultMySQLImage.
	Image string
	// StorageSize of the data claim; default "10Gi".
	StorageSize string
	// StorageClassName of the data claim; "" uses the component's class
	// (its LocalVolumePool's, its StorageClassName input, or the cluster
	// default). With a pool, name the pool's class here or leave it empty.
	StorageClassName string
	// ServiceName of the governing headless Service; default the cluster's name.
	ServiceName string
	// BlockEviction creates a PodDisruptionBudget with maxUnavailable 0.
	// See MySQL for the trade-off; default false (no budget).
	BlockEviction bool
}

// MySQL returns the spec of a single MySQL instance named name: one
// replica, port "mysql" (3306), the root password read from key
// MySQLRootPasswordKey of the component's generated Secret through a
// secretKeyRef (the value never appears in the pod spec), a "datadir"
// claim at /var/lib/mysql in the named storage class, readiness by an exec
// `SELECT 1`, liveness by a TCP connect to the port, and the image's mysql
// user (999) as runAsUser and fsGroup.
//
// A PodDisruptionBudget cannot keep one replica available through a
// voluntary disruption: minAvailable 1 (or maxUnavailable 0) makes every
// `kubectl drain` of the node wait until an operator deletes the pod by
// hand, and anything looser is no budget at all. The profile therefore
// creates none by default, so drains proceed with a short outage; set
// BlockEviction to make drains wait for a human instead.
func MySQL(name string, o MySQLOptions) cluster.Spec {
	image := orString(o.Image, DefaultMySQLImage)
	db := corev1.Container{
		Name:  "mysql",
		Image: image,
		Env: []corev1.EnvVar{
			cluster.SecretEnv("MYSQL_ROOT_PASSWORD", MySQLRootPasswordKey),
		},
		ReadinessProbe: execProbe(`MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql -h 127.0.0.1 -uroot -e "SELECT 1"`, 5, 5),
		LivenessProbe:  tcpProbe(MySQLPortName, 30, 10),
	}
	disruption := &cluster.Disruption{Disabled: true}
	if o.BlockEviction {
		disruption = &cluster.Disruption{MaxUnavailable: ptr(intstr.FromInt32(0))}
	}
	uid := MySQLUID
	return cluster.Spec{
		AppName:             "mysql",
		Version:             ImageVersion(image),
		Replicas:            1,
		PodManagementPolicy: appsv1.OrderedReadyPodManagement,
		Ports: []network.Port{
			{Name: MySQLPortName, Port: MySQLPort, AppProtocol: "mysql", Client: true},
		},
		Network:    cluster.Network{ServiceName: orString(o.ServiceName, name)},
		Containers: []corev1.Container{db},
		Claims: []cluster.Claim{{
			Name:             DataClaimName,
			Size:             orString(o.StorageSize, "10Gi"),
			MountPath:        MySQLDataDir,
			StorageClassName: o.StorageClassName,
		}},
		Disruption: disruption,
		Security: cluster.Security{
			Profile: cluster.SecurityRestricted, RunAsUser: ptr(uid), RunAsGroup: ptr(uid), FSGroup: ptr(uid),
		},
		TerminationGracePeriodSeconds: ptr(int64(60)),
	}
}
