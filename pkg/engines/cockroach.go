package engines

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/naming"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// CockroachDB-style defaults.
const (
	// DefaultCockroachImage is the image the Cockroach profile runs.
	DefaultCockroachImage = "cockroachdb/cockroach:v24.3.6"
	// DefaultCockroachBinary is the server binary inside that image.
	DefaultCockroachBinary = "/cockroach/cockroach"
	// DefaultCockroachDataDir is where the data claim is mounted.
	DefaultCockroachDataDir = "/cockroach/cockroach-data"
	// CockroachCertsDir is where TLS mode projects the certificates.
	CockroachCertsDir = "/cockroach/cockroach-certs"
	// CockroachGRPCPort serves SQL and inter-node gRPC.
	CockroachGRPCPort int32 = 26257
	// CockroachHTTPPort serves the admin UI and the health endpoints.
	CockroachHTTPPort int32 = 8080
	// CockroachJoinHosts is the number of pods in --join: always the first
	// three, whatever the replica count (see CockroachJoinList).
	CockroachJoinHosts = 3
	// CockroachCertsMode is the file mode of projected certificates and keys.
	CockroachCertsMode int32 = 0o400
)

// Port names of the Cockroach profile.
const (
	CockroachPortGRPC = "grpc"
	CockroachPortHTTP = "http"
)

// CockroachOptions shape the Cockroach profile. Zero values take the
// documented defaults.
type CockroachOptions struct {
	// Replicas is the number of nodes; default 3. Changing it only scales
	// the StatefulSet: the pod template does not depend on it.
	Replicas int32
	// Image defaults to DefaultCockroachImage. Leave the spec's image empty
	// and pass components.DatabaseClusterArgs.Image instead when the image
	// comes from another resource.
	Image string
	// Binary is the server binary in the image; default
	// DefaultCockroachBinary. KaiwuDB-style forks use their own binary
	// (e.g. "/kaiwudb/bin/kwbase") with the same start/init flags.
	Binary string
	// DataDir is the store directory; default DefaultCockroachDataDir.
	DataDir string
	// StorageSize of each node's data claim; default "10Gi".
	StorageSize string
	// ServiceName of the governing headless Service; default the cluster's
	// name. The client Service is "<service>-public".
	ServiceName string
	// Cache and MaxSQLMemory size the caches, e.g. "25%" (the default) or "2GiB".
	Cache, MaxSQLMemory string
	// ExtraArgs are appended to `start` (e.g. "--locality=region=eu").
	ExtraArgs []string
	// TLS runs a secure cluster; nil runs in insecure (demo) mode.
	TLS *CockroachTLS
	// MinNodes is the fewest nodes the membership Job lets a scale-down
	// leave: the replication factor of the ranges; default
	// DefaultCockroachMinNodes (3) when 0 or less. Use 5 when the zones
	// keep 5 replicas.
	MinNodes int32
}

// CockroachTLS mounts certificates from existing Secrets (for example made
// by cert-manager or `cockroach cert`) into CockroachCertsDir through the
// cluster's projected config volume, renamed to the file names CockroachDB
// expects and with mode 0400.
type CockroachTLS struct {
	// NodeSecret holds the CA certificate and the node certificate and key.
	NodeSecret string
	// CAKey, CertKey and KeyKey are NodeSecret's keys; defaults "ca.crt",
	// "tls.crt" and "tls.key" (the kubernetes.io/tls layout). They are
	// projected as ca.crt, node.crt and node.key.
	CAKey, CertKey, KeyKey string
	// ClientSecret optionally holds the root user's client certificate for
	// the init Job, projected as client.root.crt and client.root.key. When
	// empty, the init Job's certificate directory holds only the CA and the
	// node certificate; give a root client certificate if your version of
	// `cockroach init` does not accept the node certificate.
	ClientSecret string
	// ClientCertKey and ClientKeyKey are ClientSecret's keys; defaults
	// "tls.crt" and "tls.key".
	ClientCertKey, ClientKeyKey string
}

// CockroachJoinList is the --join value: "<sts>-<i>.<svc>:26257,..." for
// the first CockroachJoinHosts pods (0, 1 and 2), whatever the replica
// count. Host names are qualified by the governing Service only, so they
// resolve within the namespace whatever its name.
//
// The list is fixed, as in CockroachDB's own Kubernetes manifests and Helm
// chart, because it is part of every pod's command: a list that followed
// the replica count would change the pod template on every scale below its
// cap and restart every running node (issue 16). A node needs only one
// reachable address of the list to find the cluster, and gossip tells it
// the rest. Below three replicas the list names pods that do not exist;
// CockroachDB keeps retrying the addresses it cannot reach and starts with
// the others (a single node waits for `cockroach init`, like every node of
// a new cluster). Reading the peers at start from the projected config
// would not help: the generated ConfigMap is named by its content, so a
// peer list in it changes the template too.
func CockroachJoinList(name, service string) string {
	return naming.JoinList(naming.PodHosts(name, cmp.Or(service, name), 0, CockroachJoinHosts), CockroachGRPCPort)
}

// Cockroach returns the spec of a CockroachDB-style cluster named name (the
// StatefulSet's name): `cockroach start --join=<pods 0-2> --advertise-host=
// $(POD_NAME).<svc>` in Parallel pod management (nodes must see each other
// before any becomes Ready), a headless and a public client Service with
// ports grpc (26257) and http (8080), readiness on /health?ready=1 and
// liveness on /health, PDB maxUnavailable 1, and an init Job that runs
// `cockroach init --host=<name>-0.<svc>` until it succeeds or reports that
// the cluster is already initialized.
//
// Scaling (Replicas) changes only the StatefulSet's replicas: nothing in
// the pod template depends on the replica count, so a scale never restarts
// running nodes. Before a scale-down, the membership Job
// (cockroach_membership.go) decommissions the departing nodes and waits
// until their replicas have moved; it refuses to leave fewer than MinNodes
// nodes. The Job runs the node image's /bin/sh with awk, sort, wc and
// getent; give it another image (components.DatabaseClusterArgs.Images
// under "init") that has them and the binary if yours lacks them.
//
// Unlike the other profiles, this one is not runnable in the project's
// local development cluster: no CockroachDB (or KaiwuDB) binary can be
// built or fetched there, so its pods only run on clusters that can pull
// DefaultCockroachImage (or an image given in Image). Its objects are
// still planned, validated and created everywhere.
func Cockroach(name string, o CockroachOptions) cluster.Spec {
	replicas := cmp.Or(o.Replicas, 3)
	image := cmp.Or(o.Image, DefaultCockroachImage)
	binary := cmp.Or(o.Binary, DefaultCockroachBinary)
	dataDir := cmp.Or(o.DataDir, DefaultCockroachDataDir)
	svc := cmp.Or(o.ServiceName, name)
	host := naming.PodHost(name, svc, 0)

	security := []string{"--insecure"}
	scheme := corev1.URISchemeHTTP
	channel := "kubernetes-insecure"
	if o.TLS != nil {
		security = []string{"--certs-dir=" + CockroachCertsDir}
		scheme = corev1.URISchemeHTTPS
		channel = "kubernetes-secure"
	}
	args := append([]string{
		"start",
		"--join=" + CockroachJoinList(name, svc),
		"--advertise-host=$(POD_NAME)." + svc,
		"--listen-addr=:" + strconv.Itoa(int(CockroachGRPCPort)),
		"--http-addr=:" + strconv.Itoa(int(CockroachHTTPPort)),
		"--store=path=" + dataDir,
		"--cache=" + cmp.Or(o.Cache, "25%"),
		"--max-sql-memory=" + cmp.Or(o.MaxSQLMemory, "25%"),
		"--logtostderr=INFO",
	}, security...)
	args = append(args, o.ExtraArgs...)

	db := corev1.Container{
		Name:    "db",
		Image:   image,
		Command: []string{binary},
		Args:    args,
		Env: []corev1.EnvVar{
			cluster.FieldEnv("POD_NAME", "metadata.name"),
			{Name: "COCKROACH_CHANNEL", Value: channel},
		},
		ReadinessProbe: httpProbe("/health?ready=1", CockroachPortHTTP, scheme, 10, 5, 2),
		LivenessProbe:  httpProbe("/health", CockroachPortHTTP, scheme, 30, 5, 3),
	}
	uid := cluster.DefaultUID
	spec := cluster.Spec{
		AppName:             "cockroachdb",
		Version:             ImageVersion(image),
		Replicas:            replicas,
		PodManagementPolicy: appsv1.ParallelPodManagement,
		Ports: []network.Port{
			{Name: CockroachPortGRPC, Port: CockroachGRPCPort, Client: true, Peer: true},
			{Name: CockroachPortHTTP, Port: CockroachHTTPPort, AppProtocol: "http", Client: true},
		},
		Network: cluster.Network{
			ServiceName: svc,
			Client:      &network.ClientService{Name: svc + "-public"},
		},
		Containers: []corev1.Container{db},
		Claims: []cluster.Claim{{
			Name: DataClaimName, Size: cmp.Or(o.StorageSize, "10Gi"), MountPath: dataDir,
		}},
		Disruption: &cluster.Disruption{MaxUnavailable: new(intstr.FromInt32(1))},
		Security: cluster.Security{
			Profile: cluster.SecurityRestricted, RunAsUser: new(uid), RunAsGroup: new(uid), FSGroup: new(uid),
		},
		TerminationGracePeriodSeconds: new(int64(60)),
		Init: &cluster.InitJob{
			Command: []string{"/bin/sh", "-c", CockroachInitScript(binary, host, security)},
		},
	}
	if o.TLS != nil {
		spec.Config = cockroachCerts(*o.TLS)
	}
	minNodes := o.MinNodes
	if minNodes < 1 {
		minNodes = DefaultCockroachMinNodes
	}
	spec.Membership = cockroachMembership(binary, security, minNodes, spec.Config)
	return spec
}

// CockroachInitScript is the init Job's shell script: run `<binary> init
// --host=<host>:26257` until it succeeds, treat "already initialized" as
// success (so a re-run is harmless), and retry every other error (pod 0 not
// scheduled or listening yet) every 5 seconds. The Job never waits for the
// StatefulSet to be Ready: the nodes only become Ready after the init.
func CockroachInitScript(binary, host string, security []string) string {
	cmd := fmt.Sprintf("%s init %s --host=%s", binary, strings.Join(security, " "), naming.HostPort(host, CockroachGRPCPort))
	return strings.Join([]string{
		"while true; do",
		"  if out=$(" + cmd + " 2>&1); then echo \"$out\"; exit 0; fi",
		"  case \"$out\" in",
		"    *\"already been initialized\"*|*\"already initialized\"*) echo \"cluster already initialized\"; exit 0 ;;",
		"  esac",
		"  echo \"$out\" >&2",
		"  echo \"waiting for " + host + "\" >&2",
		"  sleep 5",
		"done",
	}, "\n")
}

func cockroachCerts(t CockroachTLS) *cluster.Config {
	mode := CockroachCertsMode
	item := func(key, path string) corev1.KeyToPath {
		return corev1.KeyToPath{Key: key, Path: path, Mode: new(mode)}
	}
	sources := []corev1.VolumeProjection{{Secret: &corev1.SecretProjection{
		LocalObjectReference: corev1.LocalObjectReference{Name: t.NodeSecret},
		Items: []corev1.KeyToPath{
			item(cmp.Or(t.CAKey, "ca.crt"), "ca.crt"),
			item(cmp.Or(t.CertKey, "tls.crt"), "node.crt"),
			item(cmp.Or(t.KeyKey, "tls.key"), "node.key"),
		},
	}}}
	if t.ClientSecret != "" {
		sources = append(sources, corev1.VolumeProjection{Secret: &corev1.SecretProjection{
			LocalObjectReference: corev1.LocalObjectReference{Name: t.ClientSecret},
			Items: []corev1.KeyToPath{
				item(cmp.Or(t.ClientCertKey, "tls.crt"), "client.root.crt"),
				item(cmp.Or(t.ClientKeyKey, "tls.key"), "client.root.key"),
			},
		}})
	}
	return &cluster.Config{
		MountPath:   CockroachCertsDir,
		VolumeName:  "certs",
		DefaultMode: new(mode),
		Sources:     sources,
		InitJob:     true,
	}
}
