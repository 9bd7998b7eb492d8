package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/bulwark-sec/bulwark/internal/budget"
)

// budgetFlags are the resource budgets of a scan; scan, sbom, diff, serve
// and agent share them, so a server-side scan is bounded like a local one.
type budgetFlags struct{ l budget.Limits }

func (b *budgetFlags) register(fl *pflag.FlagSet) {
	fl.Int64Var(&b.l.ImageBytes, "max-image-bytes", budget.DefaultImageBytes,
		fmt.Sprintf("budget: bytes an image's compressed layers (and sparse files) may expand to; an image whose compressed layers are larger than a %dth of it gets %d× their size", budget.ExpansionRatio, budget.ExpansionRatio))
	fl.Int64Var(&b.l.LayerEntries, "max-layer-entries", budget.DefaultLayerEntries, "budget: tar entries per layer")
	fl.Int64Var(&b.l.ImageEntries, "max-image-entries", budget.DefaultImageEntries, "budget: tar entries per image")
	fl.Int64Var(&b.l.PathBytes, "max-path-bytes", budget.DefaultPathBytes,
		fmt.Sprintf("budget: bytes of paths kept in memory (symlinks, and files with packages or findings; each also counts %d bytes for its record)", budget.RecordOverhead))
	fl.Int64Var(&b.l.SpillBytes, "max-spill-bytes", budget.DefaultSpillBytes, "budget: bytes in temporary files at once (streamed files copied for random access)")
	fl.Int64Var(&b.l.Layers, "max-layers", budget.DefaultLayers, "budget: layers per image")
	fl.Int64Var(&b.l.Records, "max-records", budget.DefaultRecords, "budget: package records per package database or lock file")
	fl.Int64Var(&b.l.FileBytes, "max-file-bytes", budget.DefaultFileBytes, "budget: bytes of one lock file or manifest a cataloger parses")
}

// overBudget adds to a budget error how to raise the budget.
func overBudget(err error) error {
	if be, ok := errors.AsType[*budget.ExceededError](err); ok {
		return fmt.Errorf("%w; %s", err, be.Hint())
	}
	return err
}
