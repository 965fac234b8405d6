package main

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ordinal-dev/ordinal/examples/zookeeper"
)

// scenarioReal times the default stack (examples/zookeeper: a 3-server
// ensemble on local volumes) up to Ready on REAL nodes, where readiness is
// the servers' own `srvr` answer (a formed quorum): ordinal's `pulumi up`
// against `kubectl apply` + `rollout status` of the same manifests,
// rendered by the same program, alternating which goes first. Each run
// starts from an empty namespace and no volumes. Rows: scenario "real-up".
func (b *bench) scenarioReal(total, warmups int) error {
	config := map[string]string{"namespace": b.ns, "heap": "256M", "diskPath": "/mnt/disks/ssd3"}
	r, err := b.render("zookeeper", zookeeper.Program, config, 3)
	if err != nil {
		return err
	}
	programs := map[string]pulumi.RunFunc{approachOrdinal: zookeeper.Program}
	for i := range total {
		for _, a := range rotate([]string{approachOrdinal, approachKubectl}, i) {
			if err := b.cleanCluster(); err != nil {
				return err
			}
			var up time.Duration
			if a == approachKubectl {
				if up, err = b.kubectlUp(r); err != nil {
					return err
				}
				err = b.verify(r)
			} else {
				up, _, err = b.upVerified("real", programs[a], config, r, false)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", a, err)
			}
			b.w.row("real-up", a, "Parallel", 3, i, i < warmups, up)
		}
	}
	return b.cleanCluster()
}
