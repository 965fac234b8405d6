package engines

import (
	"cmp"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/network"
)

// MySQL profile defaults. The profile runs MariaDB (the MySQL-compatible
// server of Debian and of the official "mariadb" images); the names keep
// "MySQL" because they are the protocol's, the port's and the API's.
const (
	// DefaultMySQLImage is the official Docker Hub MariaDB 10.11 image. Any
	// image with MariaDB >= 10.5 (mariadb-install-db, mariadbd, mariadb)
	// and a POSIX shell works: the profile replaces its entrypoint.
	DefaultMySQLImage = "mariadb:10.11"
	// MySQLDataDir is where the data claim is mounted. The server's
	// datadir is its "data" subdirectory (MySQLDatabaseDir), so that a
	// lost+found at the root of a real disk never disturbs the
	// initialization; the socket and pid file live in its "run"
	// subdirectory.
	MySQLDataDir = "/var/lib/mysql"
	// MySQLDatabaseDir is the server's datadir on the claim.
	MySQLDatabaseDir = MySQLDataDir + "/data"
	// MySQLConfigDir is the projected config directory; it holds the root
	// password as the file MySQLRootPasswordKey. It lies under /etc/ordinal
	// so that it never hides a directory of the image.
	MySQLConfigDir = "/etc/ordinal/mysql"
	// MySQLPort is the client port.
	MySQLPort int32 = 3306
	// MySQLPortName is the name of the client port.
	MySQLPortName = "mysql"
	// MySQLRootPasswordKey is the key of the generated Secret that holds the
	// root password: pass it as components.DatabaseClusterArgs.SecretData
	// (e.g. {MySQLRootPasswordKey: cfg.RequireSecret("mysqlRootPassword")}).
	// It reaches the server only as the projected file
	// MySQLConfigDir/MySQLRootPasswordKey. Trailing newlines of the value
	// are ignored.
	MySQLRootPasswordKey = "mysql-root-password"
	// MySQLPasswordMode is the mode of the projected password file:
	// readable by its owner (root) and its group, the pod's fsGroup, and
	// so by the server running as MySQLUID. (With an fsGroup the kubelet
	// adds group read to a 0400 file anyway; the profile states it.)
	MySQLPasswordMode int32 = 0o440
	// MySQLUID is the user, group and fsGroup the profile runs MariaDB as.
	// The server needs no particular user: the start script creates the
	// data directory itself (the official image's mysql user, 999, plays
	// no part).
	MySQLUID int64 = 1000
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
	// ExtraArgs are appended to the mariadbd command line, e.g.
	// "--innodb-buffer-pool-size=1G". They are shell-quoted, never
	// interpreted; do not put secrets here (they are visible in ps).
	ExtraArgs []string
	// Database, when set, is created by the cluster's one-time init Job
	// (`CREATE DATABASE IF NOT EXISTS`, as root over TCP to pod 0, retried
	// until the server answers): the application's schema exists before
	// the application starts. Default: no init Job.
	Database string
}

// MySQL returns the spec of a single MariaDB (MySQL-compatible) instance
// named name: one replica, port "mysql" (3306), a "datadir" claim at
// MySQLDataDir in the named storage class, the restricted security profile
// as uid/gid/fsGroup MySQLUID, and the container command
// MySQLStartScript.
//
// The root password is key MySQLRootPasswordKey of the component's
// generated Secret, projected with mode MySQLPasswordMode into
// MySQLConfigDir; it never appears in the pod spec, in an env var, on a
// command line or in the logs. The start script initializes the data
// directory on the first start and, on every start, makes 'root'@'localhost'
// and 'root'@'%' use that password (the Secret stays authoritative: change
// it, then restart the pod). Without secret data the spec is rejected
// (the config directory would be empty).
//
// Readiness runs `SELECT 1` as root over TCP with the password from the
// file (passed in MYSQL_PWD, not on the command line): the server accepts
// connections and the password works. Liveness connects to the port. A
// startup probe gives the first start (the initialization) and crash
// recovery up to 10 minutes before liveness applies.
//
// A PodDisruptionBudget cannot keep one replica available through a
// voluntary disruption: minAvailable 1 (or maxUnavailable 0) makes every
// `kubectl drain` of the node wait until an operator deletes the pod by
// hand, and anything looser is no budget at all. The profile therefore
// creates none by default, so drains proceed with a short outage; set
// BlockEviction to make drains wait for a human instead.
func MySQL(name string, o MySQLOptions) cluster.Spec {
	image := cmp.Or(o.Image, DefaultMySQLImage)
	password := MySQLConfigDir + "/" + MySQLRootPasswordKey
	db := corev1.Container{
		Name:           "mysql",
		Image:          image,
		Command:        []string{"sh", "-c", MySQLStartScript(MySQLDataDir, password, o.ExtraArgs)},
		ReadinessProbe: execProbe([]string{"sh", "-c", mySQLQuery(password, "SELECT 1")}, 5, 5, 3),
		LivenessProbe:  tcpProbe(MySQLPortName, 0, 10, 6),
		StartupProbe:   tcpProbe(MySQLPortName, 5, 5, 120),
	}
	disruption := &cluster.Disruption{Disabled: true}
	if o.BlockEviction {
		disruption = &cluster.Disruption{MaxUnavailable: new(intstr.FromInt32(0))}
	}
	uid := MySQLUID
	svc := cmp.Or(o.ServiceName, name)
	config := &cluster.Config{MountPath: MySQLConfigDir, SecretMode: new(MySQLPasswordMode)}
	var init *cluster.InitJob
	if o.Database != "" {
		// The Job reads the password from the same projected file.
		config.InitJob = true
		init = &cluster.InitJob{Command: []string{"sh", "-c", MySQLInitScript(name+"-0."+svc, password, o.Database)}}
	}
	return cluster.Spec{
		AppName:             "mysql",
		Version:             ImageVersion(image),
		Replicas:            1,
		PodManagementPolicy: appsv1.OrderedReadyPodManagement,
		Ports: []network.Port{
			{Name: MySQLPortName, Port: MySQLPort, AppProtocol: "mysql", Client: true},
		},
		Network:    cluster.Network{ServiceName: svc},
		Containers: []corev1.Container{db},
		Claims: []cluster.Claim{{
			Name:             DataClaimName,
			Size:             cmp.Or(o.StorageSize, "10Gi"),
			MountPath:        MySQLDataDir,
			StorageClassName: o.StorageClassName,
		}},
		// Only the generated Secret: the password file.
		Config:     config,
		Init:       init,
		Disruption: disruption,
		Security: cluster.Security{
			Profile: cluster.SecurityRestricted, RunAsUser: new(uid), RunAsGroup: new(uid), FSGroup: new(uid),
		},
		TerminationGracePeriodSeconds: new(int64(60)),
	}
}

// MySQLStartScript is the MariaDB container's start script (run by sh) for
// the claim mounted at root and the root password in the file
// passwordFile; extraArgs are appended to mariadbd's command line.
//
//  1. Without <root>/data/mysql (the system schema), it runs
//     `mariadb-install-db --no-defaults --auth-root-authentication-method=normal
//     --skip-test-db` into <root>/data.init and renames that to
//     <root>/data only once it succeeded, so an interrupted initialization
//     is simply redone. It refuses to initialize over a non-empty
//     <root>/data without a system schema.
//  2. It writes the init SQL (see below) to a private (umask 077) file in
//     <root>/run, opens it as file descriptor 3 and deletes it at once: the
//     password is never left on disk, on a command line or in the logs.
//  3. It execs `mariadbd --no-defaults` as the current user with the
//     datadir, socket and pid file on the claim, --port=3306,
//     --bind-address=0.0.0.0, --skip-name-resolve, utf8mb4, and
//     --init-file=/proc/self/fd/3.
//
// The init SQL, run by the server on every start before it accepts
// connections, drops the passwordless root accounts the initialization
// creates for 127.0.0.1, ::1 and the host name, and anonymous users; sets
// the password of 'root'@'localhost' and creates or updates 'root'@'%' with
// it and all privileges. The password enters the SQL hex-encoded, so no
// value can break out of its string literal.
func MySQLStartScript(root, passwordFile string, extraArgs []string) string {
	server := []string{
		"exec mariadbd --no-defaults",
		`--datadir="$data"`,
		`--socket="$run/mysqld.sock"`,
		`--pid-file="$run/mysqld.pid"`,
		"--port=" + strconv.Itoa(int(MySQLPort)),
		"--bind-address=0.0.0.0",
		"--skip-name-resolve",
		"--character-set-server=utf8mb4",
		"--init-file=/proc/self/fd/3",
	}
	for _, a := range extraArgs {
		server = append(server, shellQuote(a))
	}
	return strings.Join([]string{
		"set -eu",
		"umask 077",
		"root=" + shellQuote(root),
		`data="$root/data"`,
		`run="$root/run"`,
		"pwfile=" + shellQuote(passwordFile),
		`if [ ! -r "$pwfile" ] || [ ! -s "$pwfile" ]; then echo "mysql: no readable root password in $pwfile (secret data key ` + MySQLRootPasswordKey + `)" >&2; exit 1; fi`,
		`mkdir -p "$run"`,
		`rm -f "$run/mysqld.sock" "$run/mysqld.sock.lock" "$run/mysqld.pid" "$run/init.sql"`,
		`if [ ! -d "$data/mysql" ]; then`,
		`  if [ -d "$data" ] && [ -n "$(ls -A "$data")" ]; then`,
		`    echo "mysql: $data is not empty but holds no mysql system schema; refusing to initialize over it" >&2`,
		`    exit 1`,
		`  fi`,
		`  echo "mysql: initializing $data"`,
		`  rm -rf "$root/data.init"`,
		`  mariadb-install-db --no-defaults --datadir="$root/data.init" --auth-root-authentication-method=normal --skip-test-db`,
		`  rm -rf "$data"`,
		`  mv "$root/data.init" "$data"`,
		`fi`,
		`pwhex=$(printf '%s' "$(cat "$pwfile")" | od -An -tx1 -v | tr -d ' \n')`,
		`if [ -z "$pwhex" ]; then echo "mysql: the root password in $pwfile is empty" >&2; exit 1; fi`,
		`cat > "$run/init.sql" <<EOF`,
		mySQLInitSQL("$pwhex"),
		`EOF`,
		`exec 3< "$run/init.sql"`,
		`rm -f "$run/init.sql"`,
		`unset pwhex`,
		`echo "mysql: starting mariadbd, datadir $data"`,
		strings.Join(server, " \\\n  "),
	}, "\n")
}

// mySQLInitSQL is the init file's SQL, one statement per line, with the
// root password given as hex digits (a shell expansion in the script).
func mySQLInitSQL(hex string) string {
	return strings.Join([]string{
		"SET @@SESSION.SQL_LOG_BIN=0;",
		"SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE,'NO_BACKSLASH_ESCAPES','');",
		"SET @pw=CONVERT(0x" + hex + " USING utf8mb4);",
		"DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', ''@'localhost', ''@'%';",
		"EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS ''root''@', QUOTE(@@hostname), ', ''''@', QUOTE(@@hostname));",
		"CREATE USER IF NOT EXISTS 'root'@'localhost';",
		"EXECUTE IMMEDIATE CONCAT('ALTER USER ''root''@''localhost'' IDENTIFIED BY ', QUOTE(@pw));",
		"GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost' WITH GRANT OPTION;",
		"CREATE USER IF NOT EXISTS 'root'@'%';",
		"EXECUTE IMMEDIATE CONCAT('ALTER USER ''root''@''%'' IDENTIFIED BY ', QUOTE(@pw));",
		"GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;",
		"SET @pw=NULL;",
	}, "\n")
}

// MySQLInitScript is the init Job's script (run by sh): as root, with the
// password from passwordFile in MYSQL_PWD, it runs `CREATE DATABASE IF NOT
// EXISTS` for database on host over TCP, retrying every 2 s for up to 5
// minutes while the server starts (the Job itself retries after that).
// Running it again is harmless.
func MySQLInitScript(host, passwordFile, database string) string {
	create := "CREATE DATABASE IF NOT EXISTS `" + strings.ReplaceAll(database, "`", "``") + "`"
	return strings.Join([]string{
		"MYSQL_PWD=$(cat " + shellQuote(passwordFile) + "); export MYSQL_PWD",
		"i=0",
		"until mariadb --no-defaults --protocol=TCP -h " + shellQuote(host) + " -P " + strconv.Itoa(int(MySQLPort)) +
			" -u root --connect-timeout=3 -e " + shellQuote(create) + "; do",
		"  i=$((i + 1)); [ \"$i\" -lt 150 ] || exit 1; sleep 2",
		"done",
		"echo " + shellQuote("database "+database+" is there"),
	}, "\n")
}

// mySQLQuery is a shell command line that runs query as root over TCP on
// 127.0.0.1 with the password from passwordFile, passed in MYSQL_PWD so it
// never appears on a command line.
func mySQLQuery(passwordFile, query string) string {
	return "MYSQL_PWD=$(cat " + shellQuote(passwordFile) + "); export MYSQL_PWD; " +
		"exec mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P " + strconv.Itoa(int(MySQLPort)) +
		" -u root --connect-timeout=3 -N -e " + shellQuote(query) + " >/dev/null"
}
