// Package exampleconfig holds the few stack-config helpers the runnable
// examples share: comma-separated lists, strings and whole numbers with
// defaults. The "render" mode that writes plain YAML instead of deploying
// is the public package components/render.
package exampleconfig
