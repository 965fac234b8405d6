// Package exampletest holds the helpers the examples' mock tests share, on
// top of components/ordinaltest: resolving a stack's outputs into plain
// values and listing resource names.
package exampletest
