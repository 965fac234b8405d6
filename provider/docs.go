package provider

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
)

// Module is the Go module the documented packages belong to.
const Module = "github.com/ordinal-dev/ordinal"

// documentedDirs are the packages whose doc comments become the schema's
// descriptions, relative to the module root.
var documentedDirs = []string{"pkg/cluster", "pkg/network", "pkg/localpv", "pkg/engines", "components", "provider"}

// Docs are the doc comments of the documented packages' exported types and
// struct fields, keyed "<import path>.<Type>" and
// "<import path>.<Type>.<Field>".
type Docs map[string]string

// ReadDocs parses the documented packages under the module root root
// (comments only matter; the code is not type-checked).
func ReadDocs(root string) (Docs, error) {
	out := Docs{}
	for _, dir := range documentedDirs {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, filepath.Join(root, dir), func(fi fs.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("reading the doc comments of %s: %w", dir, err)
		}
		for _, p := range pkgs {
			collectDocs(out, fset, Module+"/"+dir, p)
		}
	}
	return out, nil
}

func collectDocs(out Docs, fset *token.FileSet, path string, p *ast.Package) {
	for _, f := range p.Files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				if !ts.Name.IsExported() {
					continue
				}
				key := path + "." + ts.Name.Name
				// A lone type's comment sits on the declaration, a grouped
				// one's on the spec.
				out[key] = text(ts.Doc, gd.Doc)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				// A field without a comment of its own, on the line right
				// after a commented one, shares its comment: "Nodes and
				// Path are ..." documents both.
				var shared string
				prevLine := -2
				for _, field := range st.Fields.List {
					d := text(field.Doc, field.Comment)
					line := fset.Position(field.Pos()).Line
					if d == "" && line == prevLine+1 {
						d = shared
					}
					shared, prevLine = d, fset.Position(field.End()).Line
					for _, n := range field.Names {
						out[key+"."+n.Name] = d
					}
				}
			}
		}
	}
}

// text is the first non-empty comment group as plain text, its paragraphs
// kept and its lines joined.
func text(groups ...*ast.CommentGroup) string {
	for _, g := range groups {
		if s := strings.TrimSpace(g.Text()); s != "" {
			paras := strings.Split(s, "\n\n")
			for i, p := range paras {
				paras[i] = strings.Join(strings.Fields(p), " ")
			}
			return strings.Join(paras, "\n\n")
		}
	}
	return ""
}
