// Package harness drives end-to-end tests: Pulumi stacks through the
// project's own CLI build (.tools/bin), and the cluster under test through
// kubectl's commands — reads, `exec` into pods, waits.
//
// Stacks are made with the Automation API; `up` and `destroy` run as one
// CLI process each, with an inline program served by the test process
// (inline.go), and the commonest kubectl commands (get, exec) run in the
// test process with client-go (client.go): on a 2-core machine the CLI's
// and kubectl's process starts were a third of the suites' CPU.
//
// Every stack lives in a file backend of its own under the test's temporary
// directory and is destroyed (best effort) when the test ends; every
// namespace a test creates is deleted when it ends. Operations are bounded
// (OpTimeout); a failure carries the tail of the engine's output.
package harness
