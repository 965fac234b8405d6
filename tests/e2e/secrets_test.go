//go:build e2e

package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

// TestSecretNotInState gives the cluster SecretData: the Kubernetes Secret
// holds the value and the pods project it, while the exported Pulumi state
// holds it neither in plain text nor base64-encoded.
func TestSecretNotInState(t *testing.T) {
	ns := namespace(t, "e2e-secret", nil)
	p := defaultParams(ns, "secret", "e2e-secret-pool")
	value := "e2e-" + strings.ReplaceAll(time.Now().Format("150405.000000000"), ".", "-") + "-plaintext"
	p.SecretData = map[string]string{"password": value}
	deletePoolVolumes(t, p.Pool)
	s := newInlineStack(t, "secret", clusterProgram(p))

	done := step(t, "up with secret data")
	s.up("secret data")
	ps := waitPodsReady(t, ns, p.Name, 3)
	done()

	done = step(t, "read the Secret and the state")
	var secrets corev1.SecretList
	getJSON(t, &secrets, "secrets", "-n", ns, "-l", "app.kubernetes.io/instance="+p.Name)
	require.Len(t, secrets.Items, 1, "generated Secrets")
	secret := secrets.Items[0]
	assert.True(t, strings.HasPrefix(secret.Name, p.Name+"-secret-"), "Secret name %s", secret.Name)
	assert.Equal(t, value, string(secret.Data["password"]), "the Kubernetes Secret holds the value")
	for n, pod := range ps {
		assert.Equal(t, secret.Name, projectedSecret(pod), "pod %s projects", n)
	}

	// stack.Export is `pulumi stack export --show-secrets`: it decrypts, so
	// the value may only appear inside secret envelopes there.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	state, err := s.stack.Export(ctx)
	require.NoError(t, err)
	require.Contains(t, string(state.Deployment), "kubernetes:core/v1:Secret", "the state holds the Secret resource")
	var decrypted any
	require.NoError(t, json.Unmarshal(state.Deployment, &decrypted))
	encoded := base64.StdEncoding.EncodeToString([]byte(value))
	for _, needle := range []string{value, encoded} {
		assert.Empty(t, jsonPathsContaining(decrypted, "$", needle, false), "%q outside a secret envelope in stack.Export", needle)
	}
	assert.NotEmpty(t, jsonPathsContaining(decrypted, "$", encoded, true), "stack.Export shows the decrypted secret (sanity check of the search)")

	// The state as stored (`pulumi stack export` without --show-secrets)
	// holds ciphertext only.
	stored := s.exportEncrypted()
	require.Contains(t, stored, "kubernetes:core/v1:Secret")
	assert.Contains(t, stored, sig.Secret, "secret values are stored as Pulumi secrets")
	for _, needle := range []string{value, encoded} {
		assert.NotContains(t, stored, needle, "the stored state holds %q", needle)
	}
	done()
}

// projectedSecret is the Secret projected into a pod's "config" volume.
func projectedSecret(p corev1.Pod) string {
	if src := configProjection(p.Spec, func(src corev1.VolumeProjection) bool { return src.Secret != nil }); src != nil {
		return src.Secret.Name
	}
	return ""
}

// configProjection is the first source of a pod spec's "config" volume
// that match accepts, or nil.
func configProjection(spec corev1.PodSpec, match func(corev1.VolumeProjection) bool) *corev1.VolumeProjection {
	for _, v := range spec.Volumes {
		if v.Name != "config" || v.Projected == nil {
			continue
		}
		for i, src := range v.Projected.Sources {
			if match(src) {
				return &v.Projected.Sources[i]
			}
		}
	}
	return nil
}

// jsonPathsContaining lists where a decoded JSON document holds a string
// containing needle, naming the state's resources by name. Unless
// inSecrets is set, it skips secret envelopes ({sig.Key: sig.Secret, ...}).
func jsonPathsContaining(v any, path, needle string, inSecrets bool) []string {
	var out []string
	switch x := v.(type) {
	case string:
		if strings.Contains(x, needle) {
			out = append(out, path)
		}
	case []any:
		for i, e := range x {
			out = append(out, jsonPathsContaining(e, fmt.Sprintf("%s[%d]", path, i), needle, inSecrets)...)
		}
	case map[string]any:
		if x[sig.Key] == sig.Secret && !inSecrets {
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := path + "." + k
			if urn, ok := x["urn"].(string); ok && k != "urn" {
				p = fmt.Sprintf("%s(%s).%s", path, urnName(urn), k)
			}
			out = append(out, jsonPathsContaining(x[k], p, needle, inSecrets)...)
		}
	}
	return out
}
