//go:build e2e

package realpods

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ordinal-dev/ordinal/examples/web"
)

// TestWebServesPodNames deploys examples/web (the tutorial's nginx
// StatefulSet) in a restricted namespace and checks from another pod that
// every pod's stable DNS name reaches that pod (nginx answers with its own
// name), and that a file put on a pod's local volume is served by it.
func TestWebServesPodNames(t *testing.T) {
	useNodeGroup(t, examplesGroup)
	ns := restrictedNamespace(t, "rp-web")
	const disk = "/mnt/disks/www"
	wipeDisks(t, "web-disks", disk)
	s := env.InlineStack(t, "web", web.Program)
	s.SetConfig(map[string]string{"namespace": ns, "poolNodes": "node-0,node-1,node-2", "diskPath": disk})
	s.Up("first")
	ps := waitPodsReady(t, ns, "web", 2)

	probe := probePod(t, ns)
	for i := 0; i < 2; i++ {
		pod := ps[fmt.Sprintf("web-%d", i)]
		host := fqdn(pod.Name, "nginx", ns)
		assert.Equal(t, []string{pod.Status.PodIP}, lookup(t, ns, probe, host))
		assert.Equal(t, pod.Name, strings.TrimSpace(httpGet(t, ns, probe, host, int(web.Port), "/")), "nginx of %s answers with its pod's name", pod.Name)

		dir := volumeHostDir(t, ns, "www-"+pod.Name, pod)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("on the disk of "+pod.Spec.NodeName+"\n"), 0o644))
		assert.Equal(t, "on the disk of "+pod.Spec.NodeName, strings.TrimSpace(httpGet(t, ns, probe, host, int(web.Port), "/data/hello.txt")),
			"a file written into the node's directory is what the pod serves from its claim")
	}
}
