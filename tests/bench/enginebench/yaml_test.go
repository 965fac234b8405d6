package main

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
)

type recordMocks struct{ got []pulumi.MockResourceArgs }

func (m *recordMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.got = append(m.got, args)
	return args.Name + "-id", args.Inputs, nil
}

func (m *recordMocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// The YAML baseline registers what the SDK's yamlv2.NewConfigGroup
// registers: a remote kubernetes:yaml/v2:ConfigGroup of the given files,
// pinned to the SDK's provider version.
func TestYAMLProgramRegistersAConfigGroup(t *testing.T) {
	mocks := &recordMocks{}
	files := []string{"/m/a.yaml", "/m/b.yaml"}
	require.NoError(t, pulumi.RunErr(yamlProgram(files), pulumi.WithMocks("p", "s", mocks)))
	require.Len(t, mocks.got, 1)
	got := mocks.got[0]
	require.Equal(t, "kubernetes:yaml/v2:ConfigGroup", got.TypeToken)
	require.Equal(t, "manifests", got.Name)
	require.True(t, got.RegisterRPC.GetRemote(), "a remote component: the provider expands it")
	require.Equal(t, "4.25.0", got.RegisterRPC.GetVersion())
	require.Equal(t, resource.NewArrayProperty([]resource.PropertyValue{
		resource.NewStringProperty(files[0]), resource.NewStringProperty(files[1]),
	}), got.Inputs["files"])
}
