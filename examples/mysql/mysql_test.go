package mysql_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/examples/internal/exampletest"
	"github.com/ordinal-dev/ordinal/examples/mysql"
)

const password = "correct-horse-battery-staple"

func run(t *testing.T, config map[string]string) (*ordinaltest.Recorder, map[string]any) {
	t.Helper()
	var stack *mysql.Stack
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		stack, err = mysql.Deploy(ctx, mysql.LoadConfig(ctx))
		return err
	}, ordinaltest.WithSecret("mysqlRootPassword", password), ordinaltest.WithConfig(config))
	return rec, exampletest.Outputs(t, stack.Outputs)
}

func TestMySQL(t *testing.T) {
	tests := []struct {
		name      string
		config    map[string]string
		wantClass string
		wantPVs   int
		wantImage string // default mysql.DefaultImage
	}{
		{name: "existing named class", wantClass: "mysql-local"},
		{name: "the public image", config: map[string]string{"image": "mariadb:10.11"}, wantClass: "mysql-local", wantImage: "mariadb:10.11"},
		{name: "own class name", config: map[string]string{"storageClass": "fast-ssd"}, wantClass: "fast-ssd"},
		{name: "local pool", config: map[string]string{"poolNodes": "node-1"}, wantClass: "mysql-local", wantPVs: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, out := run(t, tc.config)

			sts := rec.Find(t, exampletest.StatefulSet, "mysql-statefulset")
			assert.Equal(t, 1.0, sts.Get(t, "spec.replicas"))
			c := "spec.template.spec.containers[0]."
			wantImage := tc.wantImage
			if wantImage == "" {
				wantImage = "localhost/mariadb:1"
				assert.Equal(t, mysql.DefaultImage, wantImage)
			}
			assert.Equal(t, wantImage, sts.Get(t, c+"image"))
			assert.Equal(t, map[string]any{"name": "mysql", "containerPort": 3306.0, "protocol": "TCP"}, sts.Get(t, c+"ports[0]"))
			assert.Equal(t, "mysql", sts.Get(t, c+"livenessProbe.tcpSocket.port"))
			assert.Contains(t, sts.Get(t, c+"readinessProbe.exec.command[2]"), "SELECT 1")
			assert.Contains(t, sts.Get(t, c+"command[2]"), "exec mariadbd --no-defaults")
			assert.Equal(t, map[string]any{"name": "datadir", "mountPath": "/var/lib/mysql"}, sts.Get(t, c+"volumeMounts[0]"))
			assert.Equal(t, map[string]any{"name": "config", "mountPath": "/etc/ordinal/mysql", "readOnly": true}, sts.Get(t, c+"volumeMounts[1]"))
			assert.Equal(t, tc.wantClass, sts.Get(t, "spec.volumeClaimTemplates[0].spec.storageClassName"))
			assert.Equal(t, 1000.0, sts.Get(t, "spec.template.spec.securityContext.runAsUser"))
			assert.Equal(t, 1000.0, sts.Get(t, "spec.template.spec.securityContext.fsGroup"))

			// The password: a file projected from the generated Secret, and
			// nowhere in the StatefulSet as a value, not even an env var.
			secret := rec.Find(t, exampletest.Secret, "mysql-secret")
			assert.Equal(t, password, secret.Get(t, `stringData["mysql-root-password"]`))
			assert.True(t, secret.IsSecret(`stringData["mysql-root-password"]`))
			assert.False(t, sts.Has(c+"env"), "no env vars")
			assert.Equal(t, map[string]any{
				"name":  ordinaltest.AutoName("mysql-secret"),
				"items": []any{map[string]any{"key": "mysql-root-password", "path": "mysql-root-password", "mode": float64(0o440)}},
			}, sts.Get(t, "spec.template.spec.volumes[0].projected.sources[0].secret"))
			body, err := json.Marshal(sts.Plain)
			require.NoError(t, err)
			assert.NotContains(t, string(body), password, "no literal password in the StatefulSet")

			assert.Empty(t, rec.ByType(exampletest.PDB), "one replica: no budget by default")
			// The init Job creates the application's database with the
			// password from the same projected file, never from a literal.
			job := rec.Find(t, exampletest.Job, "mysql-init")
			script := job.Get(t, "spec.template.spec.containers[0].command[2]").(string)
			assert.Contains(t, script, "CREATE DATABASE IF NOT EXISTS `app`")
			assert.Contains(t, script, "-h 'mysql-0.mysql'")
			assert.Contains(t, script, "MYSQL_PWD=$(cat '/etc/ordinal/mysql/mysql-root-password')")
			jobBody, err := json.Marshal(job.Plain)
			require.NoError(t, err)
			assert.NotContains(t, string(jobBody), password, "no literal password in the init Job")
			assert.Equal(t, "app", out["database"])
			require.Len(t, rec.ByType(exampletest.PV), tc.wantPVs)
			if tc.wantPVs > 0 {
				assert.Equal(t, tc.wantClass, rec.Find(t, exampletest.StorageClass, "mysql-disks-class").Get(t, "metadata.name"))
			}

			assert.Equal(t, exampletest.Strings("mysql-0.mysql.default.svc.cluster.local"), out["podFqdns"])
			assert.Equal(t, exampletest.Strings("mysql.default.svc.cluster.local:3306"), out["clientEndpoints"])
			assert.Equal(t, ordinaltest.AutoName("mysql-secret"), out["secretName"])
			assert.Equal(t, tc.wantClass, out["storageClassName"])
		})
	}
}
