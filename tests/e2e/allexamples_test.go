//go:build e2e

package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/ordinal-dev/ordinal/examples/mysql"
	phasedupgrade "github.com/ordinal-dev/ordinal/examples/phased-upgrade"
	projectedconfig "github.com/ordinal-dev/ordinal/examples/projected-config"
	"github.com/ordinal-dev/ordinal/examples/web"
	"github.com/ordinal-dev/ordinal/pkg/cluster"
	"github.com/ordinal-dev/ordinal/pkg/engines"
)

// restricted are the labels of a namespace that enforces the "restricted"
// Pod Security Standard at its latest version.
var restricted = map[string]string{
	"pod-security.kubernetes.io/enforce":         "restricted",
	"pod-security.kubernetes.io/enforce-version": "latest",
}

// upAdmitted runs up and stops at the first FailedCreate event in ns (a
// pod the admission rejected) instead of waiting for the await timeout.
func upAdmitted(t *testing.T, s *stack, ns, what string) upResult {
	t.Helper()
	res, err := s.upUntil(what, func() string {
		if ev := failedCreateEventsOrNil(ns); len(ev) > 0 {
			return "pods were rejected: " + strings.Join(ev, "; ")
		}
		return ""
	})
	require.NoError(t, err)
	return res
}

// setSecretConfig sets one secret config value of the stack.
func (s *stack) setSecretConfig(key, value string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(s.t, s.stack.SetConfig(ctx, key, auto.ConfigValue{Value: value, Secret: true}))
}

// assertRestrictedPods checks the pod-level fields "restricted" asks for.
func assertRestrictedPods(t *testing.T, ps map[string]corev1.Pod) {
	t.Helper()
	for n, p := range ps {
		require.NotNil(t, p.Spec.SecurityContext, "pod %s", n)
		assert.True(t, p.Spec.SecurityContext.RunAsNonRoot != nil && *p.Spec.SecurityContext.RunAsNonRoot, "pod %s runAsNonRoot", n)
		for _, c := range p.Spec.Containers {
			require.NotNil(t, c.SecurityContext, "pod %s container %s", n, c.Name)
			assert.False(t, c.SecurityContext.AllowPrivilegeEscalation == nil || *c.SecurityContext.AllowPrivilegeEscalation, "pod %s container %s allowPrivilegeEscalation", n, c.Name)
			require.NotNil(t, c.SecurityContext.Capabilities, "pod %s container %s capabilities", n, c.Name)
			assert.Contains(t, c.SecurityContext.Capabilities.Drop, corev1.Capability("ALL"), "pod %s container %s drops ALL", n, c.Name)
		}
	}
}

// TestAllExamplesWebRestricted deploys examples/web (nginx as an
// unprivileged user) into a namespace that enforces Pod Security
// "restricted": the pods are admitted and Ready on local PVs, and the
// governing Service "nginx" is headless.
func TestAllExamplesWebRestricted(t *testing.T) {
	ns := namespace(t, "e2e-web-restricted", restricted)
	deletePoolVolumes(t, "web-disks")
	s := newInlineStack(t, "web-restricted", web.Program)
	s.setConfig(map[string]string{"namespace": ns, "poolNodes": "node-0,node-1,node-2"})

	done := step(t, "web up in a restricted namespace: admitted")
	upAdmitted(t, s, ns, "web restricted")
	ps := waitPodsReady(t, ns, "web", 2)
	assertRestrictedPods(t, ps)
	assertClusterPlaced(t, ns, "web", "www", "web-disks", ps)
	var svc corev1.Service
	getJSON(t, &svc, "service", "-n", ns, "nginx")
	assert.Equal(t, corev1.ClusterIPNone, svc.Spec.ClusterIP, "governing Service nginx is headless")
	assert.Empty(t, failedCreateEvents(t, ns), "FailedCreate events")
	s.destroy("web restricted")
	done()
}

// TestAllExamplesProjectedConfigRestricted deploys examples/projected-config
// in a restricted namespace and checks the projected volume's sources.
func TestAllExamplesProjectedConfigRestricted(t *testing.T) {
	ns := namespace(t, "e2e-projected", restricted)
	s := newInlineStack(t, "projected", projectedconfig.Program)
	s.setConfig(map[string]string{"namespace": ns})

	done := step(t, "projected-config up")
	upAdmitted(t, s, ns, "projected-config")
	ps := waitPodsReady(t, ns, projectedconfig.Name, 1)
	assertRestrictedPods(t, ps)
	assert.Empty(t, failedCreateEvents(t, ns), "FailedCreate events")
	done()

	done = step(t, "projected volume sources")
	pod := ps[podName(projectedconfig.Name, 0)]
	var vol *corev1.Volume
	for i := range pod.Spec.Volumes {
		if pod.Spec.Volumes[i].Name == projectedconfig.VolumeName {
			vol = &pod.Spec.Volumes[i]
		}
	}
	require.NotNil(t, vol, "pod has no volume %s: %+v", projectedconfig.VolumeName, pod.Spec.Volumes)
	require.NotNil(t, vol.Projected, "volume %s is not projected", vol.Name)
	paths := map[string]string{}
	for _, src := range vol.Projected.Sources {
		switch {
		case src.Secret != nil:
			for _, it := range src.Secret.Items {
				paths[it.Path] = "secret:" + src.Secret.Name + "/" + it.Key
			}
		case src.ConfigMap != nil:
			for _, it := range src.ConfigMap.Items {
				paths[it.Path] = "configmap:" + src.ConfigMap.Name + "/" + it.Key
			}
		case src.DownwardAPI != nil:
			for _, it := range src.DownwardAPI.Items {
				if it.FieldRef != nil {
					paths[it.Path] = "field:" + it.FieldRef.FieldPath
				} else if it.ResourceFieldRef != nil {
					paths[it.Path] = "resource:" + it.ResourceFieldRef.ContainerName + "/" + it.ResourceFieldRef.Resource
				}
			}
		}
	}
	assert.Equal(t, map[string]string{
		"my-group/my-username": "secret:" + projectedconfig.SecretName + "/username",
		"my-group/my-config":   "configmap:" + projectedconfig.ConfigMapName + "/config",
		"labels":               "field:metadata.labels",
		"annotations":          "field:metadata.annotations",
		"cpu_limit":            "resource:" + projectedconfig.ContainerName + "/limits.cpu",
	}, paths, "projected paths")
	mounted := false
	for _, m := range pod.Spec.Containers[0].VolumeMounts {
		if m.Name == projectedconfig.VolumeName {
			mounted = m.MountPath == projectedconfig.MountPath
		}
	}
	assert.True(t, mounted, "volume %s mounted at %s", projectedconfig.VolumeName, projectedconfig.MountPath)
	var secret corev1.Secret
	getJSON(t, &secret, "secret", "-n", ns, projectedconfig.SecretName)
	assert.Equal(t, "admin", string(secret.Data["username"]))
	var cm corev1.ConfigMap
	getJSON(t, &cm, "configmap", "-n", ns, projectedconfig.ConfigMapName)
	assert.NotEmpty(t, cm.Data["config"])
	done()

	done = step(t, "projected-config destroy")
	s.destroy("projected-config")
	_, err := kubectl("get", "statefulset", "-n", ns, projectedconfig.Name)
	assert.Error(t, err, "the StatefulSet is gone after destroy")
	done()
}

// TestAllExamplesMySQLRestricted deploys examples/mysql (MariaDB) on a
// pool in a restricted namespace with the root password as secret config.
// The init Job that creates the configured database ("app" by default) is
// admitted too and completes. The password reaches the server and the Job
// only as a file projected from the generated Secret (mode 0440, no env
// var at all), and appears neither literally in any pod spec nor in the
// engine's output and events nor in the stored state.
func TestAllExamplesMySQLRestricted(t *testing.T) {
	ns := namespace(t, "e2e-mysql", restricted)
	deletePoolVolumes(t, "mysql-disks")
	password := "pw-" + strings.ReplaceAll(time.Now().Format("150405.000000000"), ".", "-") + "-plaintext"
	s := newInlineStack(t, "mysql", mysql.Program)
	s.setConfig(map[string]string{"namespace": ns, "poolNodes": "node-0,node-1"})
	s.setSecretConfig("mysqlRootPassword", password)

	done := step(t, "mysql up")
	res := upAdmitted(t, s, ns, "mysql")
	ps := waitPodsReady(t, ns, "mysql", 1)
	assertRestrictedPods(t, ps)
	assertClusterPlaced(t, ns, "mysql", engines.DataClaimName, "mysql-local", ps)
	done()

	done = step(t, "the init Job: admitted and complete")
	eventually(t, waitTimeout, "init Job mysql-init complete", func() (bool, string) {
		jobs := initJobs(t, ns, "mysql")
		if len(jobs) != 1 || jobs[0].Status.Succeeded < 1 {
			seen := make([]string, 0, len(jobs))
			for _, j := range jobs {
				seen = append(seen, fmt.Sprintf("%s %+v", j.Name, j.Status))
			}
			return false, fmt.Sprintf("%d init Jobs: %s", len(jobs), strings.Join(seen, "; "))
		}
		return true, ""
	})
	job := assertInitOnce(t, ns, "mysql")
	assert.Equal(t, "mysql-init", job.Name)
	out := s.outputs()
	assert.Equal(t, "mysql-init", out["initJobName"])
	assert.Equal(t, "app", out["database"])
	require.Len(t, job.Spec.Template.Spec.Containers, 1, "init Job containers")
	script := strings.Join(job.Spec.Template.Spec.Containers[0].Command, " ")
	assert.Contains(t, script, "CREATE DATABASE IF NOT EXISTS `app`", "the Job creates the configured database")
	assert.Contains(t, script, "'mysql-0.mysql'", "the Job connects to the server through the governing Service")
	jobPods := initPods(t, ns, "mysql")
	require.NotEmpty(t, jobPods, "the init Job's pods (admitted under restricted)")
	succeeded := 0
	for _, p := range jobPods {
		if p.Status.Phase == corev1.PodSucceeded {
			succeeded++
		}
	}
	assert.Equal(t, 1, succeeded, "init Job pods Succeeded: %s", describePods(jobPods))
	assertRestrictedPods(t, jobPods)
	assert.Empty(t, failedCreateEvents(t, ns), "FailedCreate events")
	done()

	done = step(t, "the password: a projected file only, not in pod specs, logs or state")
	secretName, _ := out["secretName"].(string)
	require.NotEmpty(t, secretName, "output secretName")
	var secret corev1.Secret
	getJSON(t, &secret, "secret", "-n", ns, secretName)
	assert.Equal(t, password, string(secret.Data[engines.MySQLRootPasswordKey]), "the Secret holds the password")
	encoded := base64.StdEncoding.EncodeToString([]byte(password))
	var sts appsv1.StatefulSet
	getJSON(t, &sts, "statefulset", "-n", ns, "mysql")
	specs := map[string]corev1.PodSpec{
		"statefulset/mysql": sts.Spec.Template.Spec,
		"job/mysql-init":    job.Spec.Template.Spec,
	}
	for n, p := range ps {
		specs["pod/"+n] = p.Spec
	}
	for n, p := range jobPods {
		specs["pod/"+n] = p.Spec
	}
	const (
		passwordDir  = "/etc/ordinal/mysql"
		passwordKey  = "mysql-root-password"
		passwordFile = passwordDir + "/" + passwordKey
		passwordMode = int32(0o440)
	)
	for where, spec := range specs {
		// No env var at all: neither a literal value nor a secretKeyRef.
		for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
			assert.Empty(t, c.Env, "%s container %s has env vars", where, c.Name)
			assert.Empty(t, c.EnvFrom, "%s container %s has envFrom", where, c.Name)
		}
		// The one way in: the Secret's key, projected with mode 0440 into
		// the config directory the first container mounts and reads.
		src := configProjection(spec, func(src corev1.VolumeProjection) bool { return src.Secret != nil })
		if assert.NotNil(t, src, "%s projects no Secret into its config volume", where) {
			assert.Equal(t, secretName, src.Secret.Name, "%s projects the generated Secret", where)
			if assert.Len(t, src.Secret.Items, 1, "%s Secret items", where) {
				it := src.Secret.Items[0]
				assert.Equal(t, passwordKey, it.Key, where)
				assert.Equal(t, passwordKey, it.Path, where)
				if assert.NotNil(t, it.Mode, "%s: the password file has no mode", where) {
					assert.Equal(t, passwordMode, *it.Mode, "%s: the password file's mode is %#o", where, *it.Mode)
				}
			}
		}
		require.NotEmpty(t, spec.Containers, where)
		c := spec.Containers[0]
		assert.Contains(t, c.VolumeMounts, corev1.VolumeMount{Name: cluster.DefaultConfigVolumeName, MountPath: passwordDir, ReadOnly: true}, "%s container %s mounts the config directory", where, c.Name)
		assert.Contains(t, strings.Join(append(append([]string{}, c.Command...), c.Args...), " "), passwordFile, "%s container %s reads the password file", where, c.Name)
		// 0440 is root's and the fsGroup's: the server's group must be it.
		if assert.NotNil(t, spec.SecurityContext, where) && assert.NotNil(t, spec.SecurityContext.FSGroup, "%s has no fsGroup", where) {
			assert.Equal(t, spec.SecurityContext.RunAsGroup, spec.SecurityContext.FSGroup, "%s: runAsGroup is the fsGroup that may read the password file", where)
		}
		body, err := json.Marshal(spec)
		require.NoError(t, err)
		for _, needle := range []string{password, encoded} {
			assert.NotContains(t, string(body), needle, "%s holds the password", where)
		}
	}
	require.NotEmpty(t, res.Output, "the engine's output was captured")
	require.NotEmpty(t, res.Events, "the engine's events were captured")
	for _, needle := range []string{password, encoded} {
		assert.NotContains(t, res.Output, needle, "the engine's output of up")
		assert.NotContains(t, res.Events, needle, "the engine's events of up")
	}
	stored := s.exportEncrypted()
	for _, needle := range []string{password, encoded} {
		assert.NotContains(t, stored, needle, "the stored state")
	}
	done()

	done = step(t, "mysql destroy")
	s.destroy("mysql")
	_, err := kubectl("get", "statefulset", "-n", ns, "mysql")
	assert.Error(t, err, "the StatefulSet is gone after destroy")
	done()
}

// initPods lists the pods of a cluster's init Job by name.
func initPods(t *testing.T, ns, name string) map[string]corev1.Pod {
	t.Helper()
	var list corev1.PodList
	getJSON(t, &list, "pods", "-n", ns, "-l", "app.kubernetes.io/instance="+name+",app.kubernetes.io/component=init")
	out := map[string]corev1.Pod{}
	for _, p := range list.Items {
		out[p.Name] = p
	}
	return out
}

// TestAllExamplesPhasedUpgradeRestricted deploys examples/phased-upgrade in
// a restricted namespace, then moves the image with partition 2: only the
// highest ordinal runs the new image.
func TestAllExamplesPhasedUpgradeRestricted(t *testing.T) {
	ns := namespace(t, "e2e-phased", restricted)
	const name = "phased"
	deletePoolVolumes(t, name+"-disks")
	s := newInlineStack(t, "phased", phasedupgrade.Program)
	s.setConfig(map[string]string{"namespace": ns})

	done := step(t, "phased-upgrade initial up")
	upAdmitted(t, s, ns, "phased initial")
	ps := waitPodsReady(t, ns, name, 3)
	assertRestrictedPods(t, ps)
	claims := assertClusterPlaced(t, ns, name, engines.DataClaimName, name+"-disks", ps)
	for n, img := range podImages(ps) {
		assert.Equal(t, engines.DefaultCockroachImage, img, "pod %s", n)
	}
	done()

	done = step(t, "phased-upgrade partition step")
	const target = "cockroachdb/cockroach:v24.1.99"
	s.setConfig(map[string]string{"image": target, "partition": "2"})
	upAdmitted(t, s, ns, "phased partition 2")
	var want map[string]string
	eventually(t, waitTimeout, "pod 2 on the new image, 0 and 1 on the old", func() (bool, string) {
		ps = pods(t, ns, name)
		want = map[string]string{podName(name, 0): engines.DefaultCockroachImage, podName(name, 1): engines.DefaultCockroachImage, podName(name, 2): target}
		got := podImages(ps)
		for n, img := range want {
			if got[n] != img || !podReady(ps[n]) {
				return false, describePods(ps)
			}
		}
		return len(ps) == 3, describePods(ps)
	})
	assert.Equal(t, []string{podName(name, 2)}, stringList(t, s.outputs()["updatedPods"]))
	after := bindings(t, ns, name, engines.DataClaimName, []int{0, 1, 2})
	for i, b := range claims {
		assert.Equal(t, b.UIDs(), after[i].UIDs(), "claim of ordinal %d changed", i)
	}
	assert.Empty(t, failedCreateEvents(t, ns), "FailedCreate events")
	done()

	done = step(t, "phased-upgrade destroy")
	s.destroy("phased")
	_, err := kubectl("get", "statefulset", "-n", ns, name)
	assert.Error(t, err, "the StatefulSet is gone after destroy")
	done()
}
