// Package exampleconfig holds the few stack-config helpers the runnable
// examples share: comma-separated lists, the namespace input, and the
// "render" mode that writes plain YAML instead of deploying.
package exampleconfig
