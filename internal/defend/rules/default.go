package rules

import (
	_ "embed"
	"slices"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultName names the built-in rules in errors and alerts' provenance.
const DefaultName = "(built-in default rules)"

// DefaultYAML is the built-in rule set as a documented file.
func DefaultYAML() []byte { return slices.Clone(defaultYAML) }

// Default compiles the built-in rule set.
func Default() (*Set, error) {
	return Compile(Source{Name: DefaultName, Data: defaultYAML})
}
