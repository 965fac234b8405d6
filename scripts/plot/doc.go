// Command plot turns ordinal's raw benchmark results into Markdown tables
// and a PNG plot. It is its own module so the plotting library stays out
// of the root module.
//
//	go run . gobench -in bench/go.txt -md bench/go.md
//	go run . engine -csv bench/engine.csv -md bench/engine.md -png bench/engine.png
//
// gobench reads the output of repeated `go test -bench` rounds of
// ./tests/bench: for every benchmark and unit it reports the median and
// the range over the rounds, and pairs impl=component with impl=baseline
// (and impl=floor, when present) sub-benchmarks into ratios (component /
// baseline and component / floor, medians).
//
// engine reads the CSV of tests/bench/enginebench (warm-up rows left out)
// and reports median, min and max seconds per case with the ratio of the
// medians against the case's baseline; the plot shows up-to-Ready time
// against replicas for each approach and pod management policy, next to
// the preview, up and no-op medians of the default example.
package main
