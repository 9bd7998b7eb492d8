package runprofile

import (
	"encoding/json"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
	"github.com/docker/docker/api/types/container"
)

// runningContainer decodes an Engine API inspect answer.
func runningContainer(t *testing.T, inspect string) facts.Container {
	t.Helper()
	var ins container.InspectResponse
	if err := json.Unmarshal([]byte(inspect), &ins); err != nil {
		t.Fatal(err)
	}
	return facts.Container{Inspect: ins, Processes: []string{"server"}}
}
