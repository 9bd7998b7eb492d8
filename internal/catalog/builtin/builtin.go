// Package builtin lists the catalogers compiled into Bulwark.
package builtin

import (
	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/dpkg"
)

// Catalogers returns a fresh instance of every built-in cataloger.
func Catalogers() []catalog.Cataloger {
	return []catalog.Cataloger{
		dpkg.New(),
	}
}
