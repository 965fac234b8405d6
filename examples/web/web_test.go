package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/components/ordinaltest"
	"github.com/ordinal-dev/ordinal/examples/internal/exampletest"
	"github.com/ordinal-dev/ordinal/examples/web"
)

func run(t *testing.T, config map[string]string) (*ordinaltest.Recorder, map[string]any) {
	t.Helper()
	var stack *web.Stack
	rec := ordinaltest.Run(t, func(ctx *pulumi.Context) error {
		c, err := web.LoadConfig(ctx)
		if err != nil {
			return err
		}
		stack, err = web.Deploy(ctx, c)
		return err
	}, ordinaltest.WithConfig(config))
	return rec, exampletest.Outputs(t, stack.Outputs)
}

func TestWeb(t *testing.T) {
	tests := []struct {
		name      string
		config    map[string]string
		wantClass any // nil: the claim names no class (cluster default)
		wantPVs   int
	}{
		{name: "cluster default class", config: nil, wantClass: nil},
		{name: "named class", config: map[string]string{"storageClass": "standard"}, wantClass: "standard"},
		{name: "local pool", config: map[string]string{"poolNodes": "node-0,node-1"}, wantClass: "web-disks", wantPVs: 2},
		{name: "local pool with a named class", config: map[string]string{"poolNodes": "node-3,node-4", "storageClass": "www-local"}, wantClass: "www-local", wantPVs: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, out := run(t, tc.config)

			sts := rec.Find(t, exampletest.StatefulSet, "web-statefulset")
			assert.Equal(t, "web", sts.Get(t, "metadata.name"))
			assert.Equal(t, "nginx", sts.Get(t, "spec.serviceName"))
			assert.Equal(t, 2.0, sts.Get(t, "spec.replicas"))
			assert.Equal(t, web.DefaultImage, sts.Get(t, "spec.template.spec.containers[0].image"))
			assert.Equal(t, "localhost/nginx:1", sts.Get(t, "spec.template.spec.containers[0].image"))
			assert.Equal(t, 8080.0, sts.Get(t, "spec.template.spec.containers[0].ports[0].containerPort"))
			assert.Equal(t, true, sts.Get(t, "spec.template.spec.securityContext.runAsNonRoot"), "passes Pod Security restricted")
			assert.Equal(t, 1000.0, sts.Get(t, "spec.template.spec.securityContext.runAsUser"))
			assert.Equal(t, 1000.0, sts.Get(t, "spec.template.spec.securityContext.runAsGroup"))
			assert.Equal(t, 1000.0, sts.Get(t, "spec.template.spec.securityContext.fsGroup"))
			assert.Equal(t, false, sts.Get(t, "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation"))
			assert.Equal(t, "www", sts.Get(t, "spec.volumeClaimTemplates[0].metadata.name"))
			assert.Equal(t, "1Gi", sts.Get(t, "spec.volumeClaimTemplates[0].spec.resources.requests.storage"))
			assert.Equal(t, []any{"ReadWriteOnce"}, sts.Get(t, "spec.volumeClaimTemplates[0].spec.accessModes"))
			assert.Equal(t, map[string]any{"name": "www", "mountPath": "/usr/share/nginx/html"},
				sts.Get(t, "spec.template.spec.containers[0].volumeMounts[0]"))
			// nginx runs the configuration of the projected directory.
			assert.Equal(t, []any{"nginx", "-e", "stderr", "-c", "/etc/ordinal/nginx.conf", "-g", "daemon off;"},
				sts.Get(t, "spec.template.spec.containers[0].command"))
			assert.Equal(t, map[string]any{"name": "config", "mountPath": "/etc/ordinal", "readOnly": true},
				sts.Get(t, "spec.template.spec.containers[0].volumeMounts[1]"))
			cm := rec.FindPrefix(t, exampletest.ConfigMap, "web-config-")
			assert.Equal(t, map[string]any{"nginx.conf": web.NginxConf}, cm.Get(t, "data"))
			assert.Equal(t, cm.Get(t, "metadata.name"), sts.Get(t, "spec.template.spec.volumes[0].projected.sources[0].configMap.name"))
			assert.Equal(t, "/", sts.Get(t, "spec.template.spec.containers[0].readinessProbe.httpGet.path"))
			assert.Equal(t, "web", sts.Get(t, "spec.template.spec.containers[0].readinessProbe.httpGet.port"))
			class, _ := sts.Lookup("spec.volumeClaimTemplates[0].spec.storageClassName")
			assert.Equal(t, tc.wantClass, class)

			svc := rec.Find(t, exampletest.Service, "web-network-headless")
			assert.Equal(t, "nginx", svc.Get(t, "metadata.name"))
			assert.Equal(t, "None", svc.Get(t, "spec.clusterIP"))
			assert.Equal(t, "web", svc.Get(t, "spec.ports[0].name"))
			assert.Empty(t, rec.ByType(exampletest.Job))
			assert.Equal(t, 1.0, rec.Find(t, exampletest.PDB, "web-pdb").Get(t, "spec.maxUnavailable"))

			require.Len(t, rec.ByType(exampletest.PV), tc.wantPVs)
			assert.Equal(t, exampletest.Strings("web-0.nginx.default.svc.cluster.local", "web-1.nginx.default.svc.cluster.local"), out["podFqdns"])
			if tc.wantClass != nil {
				assert.Equal(t, tc.wantClass, out["storageClassName"])
			}
		})
	}
}

// TestNginxConf checks the configuration's contract: unprivileged port,
// writable paths only under /tmp, the pod name on "/" and the claim on
// "/data/".
func TestNginxConf(t *testing.T) {
	conf := web.NginxConf
	for _, want := range []string{
		"listen 8080;",
		"pid /tmp/nginx.pid;",
		"error_log stderr notice;",
		`return 200 "$hostname\n";`,
		"location = / {",
		"location /data/ {\n            alias /usr/share/nginx/html/;",
	} {
		assert.Contains(t, conf, want)
	}
	for _, m := range regexp.MustCompile(`(\w+_temp_path) (\S+);`).FindAllStringSubmatch(conf, -1) {
		assert.True(t, strings.HasPrefix(m[2], "/tmp/"), "%s %s is writable by uid 1000", m[1], m[2])
	}
	assert.Len(t, regexp.MustCompile(`_temp_path`).FindAllString(conf, -1), 5, "every temp path of a standard build")
	assert.NotContains(t, conf, "daemon", "-g 'daemon off;' would then be a duplicate")
	assert.NotContains(t, conf, "user ", "the user directive needs root")
	assert.Equal(t, strings.Count(conf, "{"), strings.Count(conf, "}"))
}

func TestPoolTooSmall(t *testing.T) {
	rec, err := ordinaltest.RunErr(web.Program, ordinaltest.WithConfig(map[string]string{"poolNodes": "node-0", "replicas": "2"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `LocalVolumePool "web-disks"`)
	assert.Empty(t, rec.ByType(exampletest.StatefulSet))
}
