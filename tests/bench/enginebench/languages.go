package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/ordinal-dev/ordinal/examples/zookeeper"
)

// scenarioLanguages times the default stack written in Go (examples/
// zookeeper, inline: the program runs inside this driver) against the same
// stack in Pulumi YAML (examples/zookeeper-yaml: the CLI starts the YAML
// language host, which has the ordinal plugin construct the components):
// `pulumi preview` of a fresh stack, then `pulumi up` from nothing to
// every pod Ready, alternating which language goes first. The plugin and
// pulumi-language-yaml must be on PATH (scripts/bench.sh engine builds
// them). Rows: scenarios "lang-preview" and "lang-up", approaches "go" and
// "yaml".
func (b *bench) scenarioLanguages(total, warmups int) error {
	project, err := os.ReadFile(filepath.Join("examples", "zookeeper-yaml", "Pulumi.yaml"))
	if err != nil {
		return fmt.Errorf("run from the repository root: %w", err)
	}
	dir := filepath.Join(b.work, "zookeeper-yaml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644); err != nil {
		return err
	}
	config := map[string]string{"namespace": b.ns}
	statefulSets := map[string]string{"go": "zk", "yaml": "zk-yaml"}
	for i := range total {
		for _, lang := range rotate([]string{"go", "yaml"}, i) {
			if err := b.cleanCluster(); err != nil {
				return err
			}
			ctx, cancel := b.op()
			var s auto.Stack
			if lang == "go" {
				s, err = b.stack(ctx, "lang-go", zookeeper.Program, config)
			} else {
				b.seq++
				s, err = auto.UpsertStackLocalSource(ctx, fmt.Sprintf("lang-yaml-%d-%d", os.Getpid(), b.seq), dir,
					auto.Pulumi(b.cmd), auto.EnvVars(b.env), auto.SecretsProvider("passphrase"))
				if err == nil {
					err = s.SetConfig(ctx, "namespace", auto.ConfigValue{Value: b.ns})
				}
			}
			cancel()
			if err != nil {
				return fmt.Errorf("%s: %w", lang, err)
			}
			preview, err := b.pulumiPreview(s)
			if err != nil {
				return fmt.Errorf("%s preview: %w", lang, err)
			}
			up, err := b.pulumiUp(s)
			if err != nil {
				return fmt.Errorf("%s up: %w", lang, err)
			}
			ready, err := b.kubectlOut("get", "statefulset", statefulSets[lang], "-n", b.ns, "-o", "jsonpath={.status.readyReplicas}")
			if err != nil || ready != "3" {
				return fmt.Errorf("%s: statefulset %s has %q ready replicas after up, want 3 (%v)", lang, statefulSets[lang], ready, err)
			}
			b.dropStack(s)
			b.w.row("lang-preview", lang, "Parallel", 3, i, i < warmups, preview)
			b.w.row("lang-up", lang, "Parallel", 3, i, i < warmups, up)
		}
	}
	return b.cleanCluster()
}
