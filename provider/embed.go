package provider

import (
	_ "embed"
	"os"
	"path/filepath"
)

// SchemaJSON is the generated schema the plugin serves (schema.json).
//
//go:embed schema.json
var SchemaJSON []byte

// SchemaFile is schema.json's path relative to the module root.
const SchemaFile = "provider/schema.json"

// WriteSchema generates the schema from the module at root and writes it
// to SchemaFile.
func WriteSchema(root string) error {
	docs, err := ReadDocs(root)
	if err != nil {
		return err
	}
	s, err := Schema(docs)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, SchemaFile), s, 0o644)
}
