// Package harness drives end-to-end tests: Pulumi stacks through the
// Automation API and the project's own CLI build (.tools/bin), and the
// cluster under test through kubectl — reads, `exec` into pods, waits.
//
// Every stack lives in a file backend of its own under the test's temporary
// directory and is destroyed (best effort) when the test ends; every
// namespace a test creates is deleted when it ends. Operations are bounded
// (OpTimeout); a failure carries the tail of the engine's output.
package harness
