package validation

// The byte loops behind the name checks, for the tests.
var (
	IsDNS1123LabelLoop     = isDNS1123Label
	IsDNS1035LabelLoop     = isDNS1035Label
	IsDNS1123SubdomainLoop = isDNS1123Subdomain
	IsQualifiedNameLoop    = isQualifiedName
	IsLabelValueLoop       = isLabelValue
	IsConfigMapKeyLoop     = isConfigMapKey
	IsPortNameLoop         = isPortName
)
