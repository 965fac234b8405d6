//go:build e2e

package realpods

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/examples/mysql"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// TestMariaDB deploys examples/mysql (MariaDB 10.11, one instance on a
// local volume, the root password from a Pulumi secret) in a restricted
// namespace and checks it from inside: the init Job ran its real command
// (the application database exists), the server answers queries with the
// generated password over the Service's DNS name and refuses a wrong one,
// the password is in no pod spec, and the data files are on the node's disk.
func TestMariaDB(t *testing.T) {
	useNodeGroup(t, examplesGroup)
	ns := restrictedNamespace(t, "rp-mysql")
	const name, disk, password = "mysql", "/mnt/disks/ssd2", `s3cr3t-'quoted'-$x`
	wipeDisks(t, name+"-disks", disk)
	s := env.InlineStack(t, "mysql", mysql.Program)
	s.SetConfig(map[string]string{
		"namespace": ns, "name": name, "poolNodes": "node-0,node-1,node-2", "diskPath": disk, "storageSize": "1Gi", "diskCapacity": "1Gi",
	})
	s.SetSecretConfig(map[string]string{"mysqlRootPassword": password})
	s.Up("first")
	ps := waitPodsReady(t, ns, name, 1)
	pod := ps[name+"-0"]

	var job batchv1.Job
	env.GetJSON(t, &job, "job", "-n", ns, name+"-init")
	assert.EqualValues(t, 1, job.Status.Succeeded, "the init Job completed")

	// A client connects over TCP to the Service's DNS name with the
	// password read from the projected Secret file.
	host := fqdn(pod.Name, name, ns)
	query := func(pw, sql string) (string, error) {
		return env.Exec(ns, pod.Name, "mysql", "sh", "-c",
			`MYSQL_PWD="$1" exec mariadb --no-defaults --protocol=TCP -h "$2" -u root -N -e "$3"`, "q", pw, host, sql)
	}
	out, err := query(password, "SHOW DATABASES LIKE 'app'")
	require.NoError(t, err)
	assert.Equal(t, "app", strings.TrimSpace(out), "the init Job created the database")
	_, err = query(password, "CREATE TABLE app.records (id INT PRIMARY KEY, v VARCHAR(64)); INSERT INTO app.records VALUES (1, 'first'), (2, 'second')")
	require.NoError(t, err)
	out, err = query(password, "SELECT GROUP_CONCAT(v ORDER BY id) FROM app.records")
	require.NoError(t, err)
	assert.Equal(t, "first,second", strings.TrimSpace(out))
	_, err = query("wrong", "SELECT 1")
	assert.ErrorContains(t, err, "Access denied", "a wrong password is refused")

	var live corev1.Pod
	env.GetJSON(t, &live, "pod", "-n", ns, pod.Name)
	body := string(env.MustKubectl(t, "get", "pod", "-n", ns, pod.Name, "-o", "json"))
	assert.NotContains(t, body, password, "the password is in no pod spec")
	mode := env.MustExec(t, ns, pod.Name, "mysql", "stat", "-L", "-c", "%a", engines.MySQLConfigDir+"/"+engines.MySQLRootPasswordKey)
	assert.Equal(t, "440", strings.TrimSpace(mode), "the password file's mode")

	dir := volumeHostDir(t, ns, engines.DataClaimName+"-"+pod.Name, live)
	_, err = os.Stat(filepath.Join(dir, "data", "app", "records.ibd"))
	assert.NoError(t, err, "the table's file on the disk of %s", live.Spec.NodeName)
}
