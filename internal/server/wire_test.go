package server

import (
	"reflect"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/agent"
	"github.com/bulwark-sec/bulwark/internal/store"
)

// jsonFields lists a struct type's json field names, nested structs as
// "outer.inner", with their kinds.
func jsonFields(t reflect.Type, prefix string, out map[string]reflect.Kind) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[prefix+name] = f.Type.Kind()
		if f.Type.Kind() == reflect.Struct && f.Type.String() != "time.Time" {
			jsonFields(f.Type, prefix+name+".", out)
		}
	}
}

// TestAgentWireTypes: the API answers with store rows; the agent decodes
// them into its own wire types, which must name only fields the answers
// carry, with the same kinds, and the same token prefix.
func TestAgentWireTypes(t *testing.T) {
	if agent.TokenPrefix != store.TokenPrefix {
		t.Errorf("agent.TokenPrefix %q, the server issues %q", agent.TokenPrefix, store.TokenPrefix)
	}
	for _, tt := range []struct{ wire, row any }{
		{agent.ScanReceipt{}, store.Scan{}},
		{agent.BenchReceipt{}, store.BenchRun{}},
		{agent.Job{}, store.Job{}},
	} {
		want, have := map[string]reflect.Kind{}, map[string]reflect.Kind{}
		jsonFields(reflect.TypeOf(tt.wire), "", want)
		jsonFields(reflect.TypeOf(tt.row), "", have)
		for name, k := range want {
			if hk, ok := have[name]; !ok || hk != k {
				t.Errorf("%T.%s (%v): the API's %T has %v", tt.wire, name, k, tt.row, hk)
			}
		}
	}
}
