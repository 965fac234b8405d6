// Package reliability holds the library's robustness tests: a corpus of
// invalid arguments that every component must refuse before registering
// anything, fuzz targets for the three planners, determinism checks
// (in-process and across processes), and, behind the e2e build tag, a
// check that every manifest the planners produce passes the API server's
// strict server-side dry-run. See RELIABILITY.md at the repository root.
package reliability
