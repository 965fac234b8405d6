// Command pulumi-sdkgen generates a Pulumi package's SDK for Node.js or
// Python from its schema, with the code generators the Pulumi CLI's
// language plugins use (github.com/pulumi/pulumi/pkg/v3/codegen). It
// stands in for `pulumi package gen-sdk` / `pulumi package add` on a
// machine without those language plugins: this one has only Go's, YAML's
// and an older Node.js host that cannot generate code.
//
//	pulumi-sdkgen -schema provider/schema.json -dep kubernetes=k8s-schema.json -language nodejs -out sdks/ordinal
//
// The schema is bound (and validated against the package metaschema)
// first; every package it refers to must be given with -dep.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// loader serves the packages given with -dep.
type loader struct {
	specs map[string]string // name -> schema file
	pkgs  map[string]*schema.Package
}

func (l *loader) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	if p, ok := l.pkgs[name]; ok {
		return p, nil
	}
	file, ok := l.specs[name]
	if !ok {
		return nil, fmt.Errorf("the schema refers to package %q: give its schema with -dep %s=<file>", name, name)
	}
	var spec schema.PackageSpec
	if err := readJSON(file, &spec); err != nil {
		return nil, err
	}
	p, err := schema.ImportSpec(spec, nil, l, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("importing %s: %w", file, err)
	}
	l.pkgs[name] = p
	return p, nil
}

func (l *loader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l *loader) LoadPackageReference(name string, v *semver.Version) (schema.PackageReference, error) {
	p, err := l.LoadPackage(name, v)
	if err != nil {
		return nil, err
	}
	return p.Reference(), nil
}

func (l *loader) LoadPackageReferenceV2(ctx context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}

func readJSON(file string, into any) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

func main() {
	var (
		schemaFile = flag.String("schema", "", "the package's schema (JSON)")
		language   = flag.String("language", "nodejs", "nodejs or python")
		out        = flag.String("out", "", "directory to write the SDK to (created)")
		deps       = map[string]string{}
	)
	flag.Func("dep", "name=schema.json of a package the schema refers to (repeatable)", func(s string) error {
		name, file, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("-dep wants name=file, got %q", s)
		}
		deps[name] = file
		return nil
	})
	flag.Parse()
	if err := run(*schemaFile, *language, *out, deps); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-sdkgen:", err)
		os.Exit(1)
	}
}

func run(schemaFile, language, out string, deps map[string]string) error {
	if schemaFile == "" || out == "" {
		return fmt.Errorf("-schema and -out are required")
	}
	var spec schema.PackageSpec
	if err := readJSON(schemaFile, &spec); err != nil {
		return err
	}
	l := &loader{specs: deps, pkgs: map[string]*schema.Package{}}
	pkg, diags, err := schema.BindSpec(spec, l, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("the schema does not bind: %s", diags.Error())
	}
	var files map[string][]byte
	switch language {
	case "nodejs":
		files, err = nodejs.GeneratePackage("pulumi-sdkgen", pkg, nil, nil, true, l)
	case "python":
		files, err = python.GeneratePackage("pulumi-sdkgen", pkg, nil, l)
	default:
		err = fmt.Errorf("-language %q: nodejs or python", language)
	}
	if err != nil {
		return err
	}
	// `pulumi package gen-sdk` writes the package's version where the
	// generators leave a placeholder; the Node.js SDK sends it with every
	// resource, and "${VERSION}" is no version.
	if pkg.Version != nil {
		v := pkg.Version.String()
		for name, content := range files {
			switch filepath.Base(name) {
			case "package.json":
				files[name] = []byte(strings.ReplaceAll(string(content), "${VERSION}", v))
			case "setup.py":
				files[name] = []byte(strings.Replace(string(content), `VERSION = "0.0.0"`, `VERSION = "`+v+`"`, 1))
			}
		}
	}
	for name, content := range files {
		p := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
