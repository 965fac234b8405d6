package provider

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The schema the plugin serves is the one the Go types give today.
func TestSchemaIsCurrent(t *testing.T) {
	docs, err := ReadDocs("..")
	require.NoError(t, err)
	got, err := Schema(docs)
	require.NoError(t, err)
	assert.Equal(t, string(got), string(SchemaJSON), "provider/schema.json is stale: run `go run ./provider/cmd/gen-schema` from the repository root")
}

// Every type, property, input and output has a description: the schema is
// the reference users of other languages read.
func TestSchemaDocumentsEveryProperty(t *testing.T) {
	var s struct {
		Types     map[string]objectSpec
		Resources map[string]struct {
			Description     string
			InputProperties map[string]propertySpec
			Properties      map[string]propertySpec
		}
	}
	require.NoError(t, json.Unmarshal(SchemaJSON, &s))
	require.Len(t, s.Resources, 3)
	var missing []string
	for tok, ty := range s.Types {
		if ty.Description == "" {
			missing = append(missing, tok)
		}
		for k, p := range ty.Properties {
			if p.Description == "" {
				missing = append(missing, tok+"."+k)
			}
		}
	}
	for tok, r := range s.Resources {
		if r.Description == "" {
			missing = append(missing, tok)
		}
		for k, p := range r.InputProperties {
			if p.Description == "" {
				missing = append(missing, tok+" input "+k)
			}
		}
		for k, p := range r.Properties {
			if p.Description == "" {
				missing = append(missing, tok+" output "+k)
			}
		}
	}
	assert.Empty(t, missing, "write a doc comment on the Go field (or the provider's property table)")
}

type propertySpec struct{ Description string }

type objectSpec struct {
	Description string
	Properties  map[string]propertySpec
}

func TestPropertyName(t *testing.T) {
	for field, want := range map[string]string{
		"Replicas": "replicas", "PDBName": "pdbName", "TLS": "tls", "PDB": "pdb",
		"ZoneSpread": "zoneSpread", "RunAsUser": "runAsUser", "FSGroup": "fsGroup",
		"PodFQDNs": "podFQDNs", "ID": "id",
	} {
		assert.Equal(t, want, PropertyName(field), field)
	}
}
