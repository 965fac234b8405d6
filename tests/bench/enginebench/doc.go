// Command enginebench times the Pulumi engine deploying the default example
// (examples/cockroach) against what users would run instead, on the
// Kubernetes cluster of $KUBECONFIG (scripts/bench.sh engine starts a local
// one). It writes one CSV row per measurement; scripts/plot turns the CSV
// into tables and a plot.
//
// Scenarios (-scenarios, comma-separated):
//
//   - preview: `pulumi preview` of a fresh stack of the example, against a
//     fresh stack of a program that deploys the example's rendered
//     manifests with pulumi-kubernetes yaml/v2 (ConfigGroup with Files).
//   - up: `pulumi up` of a fresh stack from nothing to every pod Ready and
//     the init Job complete (the provider's await), against the yaml/v2
//     program, and against `kubectl apply -R -f <rendered dir>` followed by
//     `kubectl rollout status statefulset/...` and `kubectl wait
//     --for=condition=complete job/...`. Each is followed by a no-op: `pulumi
//     up` again, and `kubectl apply` of the unchanged manifests.
//   - policy: up-to-Ready with OrderedReady and Parallel pod management at
//     each -replicas count, with the components and with kubectl.
//
// What is timed: for Pulumi, the `pulumi up`/`pulumi preview` CLI process
// from start to exit (the engine, the Kubernetes provider, and the program,
// which runs inline in this process through the Automation API, so it is
// never recompiled); stack creation, config and the Automation API's extra
// `stack output`/`history` calls are not timed. For kubectl, the commands
// above, one after the other. Before every up, the namespace and the
// cluster-scoped objects are deleted and the stack's state is dropped.
package main
