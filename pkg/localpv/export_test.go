package localpv

// VolumeNameLength exposes volumeNameLength to the tests.
var VolumeNameLength = volumeNameLength

// NodeLabels exposes nodeLabels to the tests.
var NodeLabels = nodeLabels
