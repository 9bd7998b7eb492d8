package checks

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

// FuzzChecks feeds arbitrary snapshots (as --facts would) to every check's
// Eval directly, without the engine's panic guard: no snapshot may crash one.
func FuzzChecks(f *testing.F) {
	f.Add(`{"schema_version":"1.0","engine":{"containers":[{"inspect":{"Id":"x","Name":"/x","State":{"Running":true},"HostConfig":{"CapAdd":["SYS_ADMIN"],"PortBindings":{"80/tcp":[{"HostPort":"80"}]}},"Mounts":[{"Type":"bind","Source":"/etc"}]}}],"images":[{"inspect":{"Id":"i","Config":{"Env":["A_TOKEN=x"],"Healthcheck":{"Test":[]}}},"history":[{"CreatedBy":"ADD x /"}]}]}}`)
	f.Add(`{"schema_version":"1.0","host":{"targets":{"docker.service":"/x","certs.d":"/c"},"files":{"/x":{"exists":true,"mode":511},"/c":{"exists":true,"type":"dir"},"/c/a":{"exists":true}}},"daemon":{"args":["-H","tcp://0.0.0.0:2375","--tls"],"args_source":"x","config":{"hosts":"x","default-ulimits":null}}}`)
	f.Add(`{"schema_version":"1.1","engine":{"images":[{"inspect":{"Id":"i","RepoTags":["r/a:1"]}}]},"trust":{"policy":"/p.yaml","images":[{"image":"r/a:1","id":"i","in_use":true,"unsigned":"no signature","violations":["signature: no signature"]},{"image":"r/b:1"}]}}`)
	f.Add(`{"schema_version":"1.0","engine":{"info":{"Swarm":{"LocalNodeState":"active","ControlAvailable":true,"Managers":3},"RegistryConfig":{"InsecureRegistryCIDRs":[null],"IndexConfigs":{"a":null}}},"swarm":{},"nodes":[{}]}}`)
	all := All(Config{TrustedUsers: []string{"root"}})
	f.Fuzz(func(t *testing.T, data string) {
		s, err := facts.Load(strings.NewReader(data))
		if err != nil {
			return
		}
		for _, c := range all {
			_ = c.Eval(s)
		}
	})
}
