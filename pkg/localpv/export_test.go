package localpv

// VolumeNameLength exposes volumeNameLength to the tests.
var VolumeNameLength = volumeNameLength
