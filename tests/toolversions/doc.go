// Package toolversions checks that the project and the wrapper modules its
// tools are built from (scripts/tools/<tool>) select one version of every
// module they share.
//
// Go's build cache keys a compiled package on its module's version and on
// the compiled form of everything it imports. Two builds share a package
// only when the whole graph below it is the same, so one stray version of
// golang.org/x/sys or gRPC makes a tool recompile client-go, the Pulumi SDK
// and all that stands on them. Aligned, a cold machine compiles about a
// quarter fewer Go files before the end-to-end suite can start
// (BENCHMARKS.md, "CI on a cold machine").
//
// The test reads go.mod files only; it builds nothing.
package toolversions
