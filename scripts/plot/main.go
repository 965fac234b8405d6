package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"log"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: plot gobench|engine [flags]")
	}
	var err error
	switch os.Args[1] {
	case "gobench":
		err = goBench(os.Args[2:])
	case "engine":
		err = engine(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (want gobench or engine)", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}

// --- statistics -------------------------------------------------------------

// stats summarizes a sample.
type stats struct {
	n                int
	median, min, max float64
}

func summarize(xs []float64) stats {
	s := slices.Clone(xs)
	sort.Float64s(s)
	if len(s) == 0 {
		return stats{}
	}
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stats{n: len(s), median: m, min: s[0], max: s[len(s)-1]}
}

// num formats a value with a precision that suits its size.
func num(v float64) string {
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 1e6:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// fmtVal formats a benchmark value in a unit that suits its size.
func fmtVal(unit string, v float64) string {
	switch {
	case strings.HasPrefix(unit, "ns/") || strings.Contains(unit, "-ns/"):
		switch {
		case v >= 1e9:
			return fmt.Sprintf("%.2f s", v/1e9)
		case v >= 1e6:
			return fmt.Sprintf("%.2f ms", v/1e6)
		case v >= 1e3:
			return fmt.Sprintf("%.1f µs", v/1e3)
		}
		return fmt.Sprintf("%.0f ns", v)
	case unit == "B/op":
		switch {
		case v >= 1<<20:
			return fmt.Sprintf("%.2f MiB", v/(1<<20))
		case v >= 1<<10:
			return fmt.Sprintf("%.1f KiB", v/(1<<10))
		}
		return fmt.Sprintf("%.0f B", v)
	case unit == "allocs/op" || unit == "objects/s":
		if v >= 1e4 {
			return fmt.Sprintf("%.1fk", v/1e3)
		}
		return fmt.Sprintf("%.0f", v)
	}
	return num(v)
}

// --- Go benchmarks ----------------------------------------------------------

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// goResults maps benchmark name -> unit -> values (one per round).
type goResults struct {
	order []string
	vals  map[string]map[string][]float64
}

func parseGoBench(r io.Reader) (*goResults, error) {
	res := &goResults{vals: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		name := strings.TrimPrefix(m[1], "Benchmark")
		f := strings.Fields(m[3])
		if _, ok := res.vals[name]; !ok {
			res.vals[name] = map[string][]float64{}
			res.order = append(res.order, name)
		}
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a number", name, f[i])
			}
			res.vals[name][f[i+1]] = append(res.vals[name][f[i+1]], v)
		}
	}
	return res, sc.Err()
}

func goBench(args []string) error {
	fs := flag.NewFlagSet("gobench", flag.ExitOnError)
	in := fs.String("in", "bench/go.txt", "output of the go test -bench rounds")
	md := fs.String("md", "bench/go.md", "Markdown file to write")
	_ = fs.Parse(args)
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := parseGoBench(f)
	if err != nil {
		return err
	}
	if len(res.order) == 0 {
		return errors.New("no benchmark results in " + *in)
	}
	var b strings.Builder
	rounds := 0
	for _, u := range res.vals {
		for _, v := range u {
			rounds = max(rounds, len(v))
		}
	}
	fmt.Fprintf(&b, "Median over %d rounds (range in brackets); ratio = component / baseline and component / floor, of the medians.\n\n", rounds)
	b.WriteString("| benchmark | metric | component | baseline | floor | ratio | vs floor |\n|---|---|---:|---:|---:|---:|---:|\n")
	for _, name := range res.order {
		if !strings.Contains(name, "impl=component") {
			continue
		}
		base := strings.Replace(name, "impl=component", "impl=baseline", 1)
		bv, ok := res.vals[base]
		if !ok {
			continue
		}
		fv := res.vals[strings.Replace(name, "impl=component", "impl=floor", 1)]
		label := strings.Replace(name, "/impl=component", "", 1)
		for _, unit := range []string{"ns/op", "cpu-ns/op", "ns/cluster", "cpu-ns/cluster", "ns/PV", "cpu-ns/PV", "B/op", "allocs/op"} {
			c, okc := res.vals[name][unit]
			bb, okb := bv[unit]
			if !okc || !okb {
				continue
			}
			sc, sb := summarize(c), summarize(bb)
			f := func(v float64) string { return fmtVal(unit, v) }
			floor, vsFloor := "–", "–"
			if fl, ok := fv[unit]; ok {
				sf := summarize(fl)
				floor = fmt.Sprintf("%s [%s–%s]", f(sf.median), f(sf.min), f(sf.max))
				vsFloor = fmt.Sprintf("%.2f", sc.median/sf.median)
			}
			fmt.Fprintf(&b, "| %s | %s | %s [%s–%s] | %s [%s–%s] | %s | **%.2f** | %s |\n", label, unit,
				f(sc.median), f(sc.min), f(sc.max), f(sb.median), f(sb.min), f(sb.max), floor, sc.median/sb.median, vsFloor)
		}
	}
	b.WriteString("\n| benchmark | metric | median | min | max |\n|---|---|---:|---:|---:|\n")
	for _, name := range res.order {
		if strings.Contains(name, "impl=") {
			continue
		}
		units := make([]string, 0, len(res.vals[name]))
		for u := range res.vals[name] {
			units = append(units, u)
		}
		sort.Strings(units)
		for _, u := range units {
			s := summarize(res.vals[name][u])
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, u, fmtVal(u, s.median), fmtVal(u, s.min), fmtVal(u, s.max))
		}
	}
	return os.WriteFile(*md, []byte(b.String()), 0o644)
}

// --- engine benchmarks ------------------------------------------------------

// engineRow is one measurement of enginebench.
type engineRow struct {
	scenario, approach, policy string
	replicas                   int
	seconds                    float64
}

type engineKey struct {
	scenario, approach, policy string
	replicas                   int
}

func readEngine(path string) (map[engineKey][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) < 2 {
		return nil, errors.New("no measurements in " + path)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, h := range []string{"scenario", "approach", "policy", "replicas", "warmup", "seconds"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("%s: no %q column", path, h)
		}
	}
	out := map[engineKey][]float64{}
	for _, r := range recs[1:] {
		if r[col["warmup"]] == "true" {
			continue
		}
		n, err := strconv.Atoi(r[col["replicas"]])
		if err != nil {
			return nil, err
		}
		s, err := strconv.ParseFloat(r[col["seconds"]], 64)
		if err != nil {
			return nil, err
		}
		k := engineKey{r[col["scenario"]], r[col["approach"]], r[col["policy"]], n}
		out[k] = append(out[k], s)
	}
	return out, nil
}

const (
	ordinal = "ordinal"
	yamlV2  = "yaml/v2"
	kubectl = "kubectl"
)

func engine(args []string) error {
	fs := flag.NewFlagSet("engine", flag.ExitOnError)
	in := fs.String("csv", "bench/engine.csv", "CSV written by tests/bench/enginebench")
	md := fs.String("md", "bench/engine.md", "Markdown file to write")
	png := fs.String("png", "bench/engine.png", "PNG file to write")
	_ = fs.Parse(args)
	data, err := readEngine(*in)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*md, []byte(engineTables(data)), 0o644); err != nil {
		return err
	}
	return enginePlot(data, *png)
}

func engineTables(data map[engineKey][]float64) string {
	var b strings.Builder
	get := func(scenario, approach, policy string, n int) (stats, bool) {
		v, ok := data[engineKey{scenario, approach, policy, n}]
		return summarize(v), ok
	}
	ratio := func(a, base stats) string {
		if base.median == 0 {
			return "–"
		}
		return fmt.Sprintf("**%.2f**", a.median/base.median)
	}
	b.WriteString("Seconds, median [min–max] of the measured runs (warm-up left out); ratios are of the medians.\n\n")
	b.WriteString("| operation (default example, 3 replicas) | approach | runs | median s | min–max s | ratio vs baseline |\n|---|---|---:|---:|---:|---|\n")
	type line struct{ scenario, label, baseline string }
	for _, l := range []line{
		{"preview", "`pulumi preview`, fresh stack", yamlV2},
		{"up", "up from nothing to Ready + init Job complete", kubectl},
		{"noop", "no-op up (nothing changed)", kubectl},
	} {
		base, hasBase := get(l.scenario, l.baseline, "Parallel", 3)
		for _, a := range []string{ordinal, yamlV2, kubectl} {
			s, ok := get(l.scenario, a, "Parallel", 3)
			if !ok {
				continue
			}
			r := "baseline"
			if a != l.baseline && hasBase {
				r = ratio(s, base) + " vs " + l.baseline
				if l.baseline == kubectl && a == ordinal {
					if y, ok := get(l.scenario, yamlV2, "Parallel", 3); ok {
						r += fmt.Sprintf(", %.2f vs yaml/v2", s.median/y.median)
					}
				}
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %.2f | %.2f–%.2f | %s |\n", l.label, a, s.n, s.median, s.min, s.max, r)
		}
	}
	counts := policyCounts(data)
	if len(counts) > 0 {
		b.WriteString("\nUp to Ready by pod management policy (pods Ready and init Job complete):\n\n")
		b.WriteString("| replicas | policy | approach | runs | median s | min–max s | ratio vs kubectl | OrderedReady / Parallel |\n|---:|---|---|---:|---:|---:|---:|---:|\n")
		for _, n := range counts {
			for _, pol := range []string{"OrderedReady", "Parallel"} {
				for _, a := range []string{ordinal, kubectl} {
					s, ok := get("policy", a, pol, n)
					if !ok {
						continue
					}
					r := "baseline"
					if k, ok := get("policy", kubectl, pol, n); ok && a != kubectl {
						r = ratio(s, k)
					}
					op := ""
					if pol == "OrderedReady" {
						if p, ok := get("policy", a, "Parallel", n); ok && p.median > 0 {
							op = fmt.Sprintf("%.2f", s.median/p.median)
						}
					}
					fmt.Fprintf(&b, "| %d | %s | %s | %d | %.2f | %.2f–%.2f | %s | %s |\n", n, pol, a, s.n, s.median, s.min, s.max, r, op)
				}
			}
		}
	}
	return b.String()
}

func policyCounts(data map[engineKey][]float64) []int {
	var out []int
	for k := range data {
		if k.scenario == "policy" && !slices.Contains(out, k.replicas) {
			out = append(out, k.replicas)
		}
	}
	sort.Ints(out)
	return out
}

// errPoints are medians with min/max error bars.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

var palette = map[string]color.Color{
	ordinal: color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	yamlV2:  color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	kubectl: color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
}

func enginePlot(data map[engineKey][]float64, path string) error {
	left := plot.New()
	left.Title.Text = "Up to Ready vs replicas (median, min–max)"
	left.X.Label.Text = "replicas"
	left.Y.Label.Text = "seconds"
	left.Y.Min = 0
	left.Legend.Top = true
	left.Legend.Left = true
	counts := policyCounts(data)
	for _, a := range []string{ordinal, kubectl} {
		for _, pol := range []string{"OrderedReady", "Parallel"} {
			var pts errPoints
			for _, n := range counts {
				v, ok := data[engineKey{"policy", a, pol, n}]
				if !ok {
					continue
				}
				s := summarize(v)
				pts.XYs = append(pts.XYs, plotter.XY{X: float64(n), Y: s.median})
				pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{s.median - s.min, s.max - s.median})
			}
			if len(pts.XYs) == 0 {
				continue
			}
			l, p, err := plotter.NewLinePoints(pts)
			if err != nil {
				return err
			}
			l.Color, p.Color = palette[a], palette[a]
			l.Width = vg.Points(1.5)
			if pol == "Parallel" {
				l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
				p.Shape = draw.TriangleGlyph{}
			} else {
				p.Shape = draw.CircleGlyph{}
			}
			e, err := plotter.NewYErrorBars(pts)
			if err != nil {
				return err
			}
			e.Color = palette[a]
			left.Add(l, p, e)
			left.Legend.Add(a+" "+pol, l, p)
		}
	}
	if len(counts) > 0 {
		var ticks []plot.Tick
		for _, n := range counts {
			ticks = append(ticks, plot.Tick{Value: float64(n), Label: strconv.Itoa(n)})
		}
		left.X.Tick.Marker = plot.ConstantTicks(ticks)
		left.X.Min, left.X.Max = float64(counts[0])-0.5, float64(counts[len(counts)-1])+0.5
	}

	right := plot.New()
	right.Title.Text = "Default example, 3 replicas (median)"
	right.Y.Label.Text = "seconds"
	right.Legend.Top = true
	scenarios := []string{"preview", "up", "noop"}
	right.NominalX("preview (fresh)", "up to Ready", "no-op up")
	w := vg.Points(28)
	approaches := []string{ordinal, yamlV2, kubectl}
	top := 0.0
	for i, a := range approaches {
		vals := make(plotter.Values, len(scenarios))
		found := false
		for j, s := range scenarios {
			if v, ok := data[engineKey{s, a, "Parallel", 3}]; ok {
				vals[j] = summarize(v).median
				top = max(top, vals[j])
				found = true
			}
		}
		if !found {
			continue
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		bars.Color = palette[a]
		bars.LineStyle.Width = 0
		bars.Offset = w * vg.Length(i-1)
		right.Add(bars)
		right.Legend.Add(a, bars)
	}
	// Headroom for the legend above the tallest bar.
	right.Y.Min, right.Y.Max = 0, top*1.25

	const width, height = 12 * vg.Inch, 5 * vg.Inch
	img := vgimg.New(width, height)
	dc := draw.New(img)
	canvas := plot.Align([][]*plot.Plot{{left, right}}, draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Millimeter * 4, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}, dc)
	left.Draw(canvas[0][0])
	right.Draw(canvas[0][1])
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
