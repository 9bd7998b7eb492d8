// Package builtin lists the catalogers compiled into Bulwark.
package builtin

import (
	"github.com/bulwark-sec/bulwark/internal/catalog"
	"github.com/bulwark-sec/bulwark/internal/catalog/apk"
	"github.com/bulwark-sec/bulwark/internal/catalog/dotnet"
	"github.com/bulwark-sec/bulwark/internal/catalog/dpkg"
	"github.com/bulwark-sec/bulwark/internal/catalog/gobinary"
	"github.com/bulwark-sec/bulwark/internal/catalog/java"
	"github.com/bulwark-sec/bulwark/internal/catalog/npm"
	"github.com/bulwark-sec/bulwark/internal/catalog/php"
	"github.com/bulwark-sec/bulwark/internal/catalog/python"
	"github.com/bulwark-sec/bulwark/internal/catalog/rpm"
	"github.com/bulwark-sec/bulwark/internal/catalog/ruby"
	"github.com/bulwark-sec/bulwark/internal/catalog/rust"
)

// Catalogers returns a fresh instance of every built-in cataloger.
func Catalogers() []catalog.Cataloger {
	return []catalog.Cataloger{
		dpkg.New(),
		apk.New(),
		rpm.New(),
		gobinary.New(),
		npm.New(),
		python.New(),
		ruby.New(),
		php.New(),
		java.New(),
		rust.New(),
		dotnet.New(),
	}
}
