package checks

import (
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

// community holds docker-bench-security's own checks outside CIS (C.x). They
// run only when selected (--check C.* or all).
func community() []bench.Check {
	cs := []bench.Check{
		bench.Check{ID: "C.2", Section: Section("C.2"), Title: "Legacy registry (v1) operations are disabled",
			Scored: true, Automated: true, Remediation: `On engines older than 17.12 set "disable-legacy-registry": true.`, Eval: legacyRegistry},
	}
	for i, cp := range []string{"DAC_READ_SEARCH", "SYS_MODULE", "SYS_ADMIN", "SYS_PTRACE"} {
		cs = append(cs, bench.Check{
			ID: "C.5.3." + strconv.Itoa(i+1), Section: Section("C"), Title: "CAP_" + cp + " is not added to containers",
			Scored: true, Automated: true, Remediation: "Remove --cap-add " + cp + " from the container.",
			Eval: containerCheck(allContainers, "add "+cp, func(c facts.Container) string {
				for _, a := range hostConfig(c).CapAdd {
					if n := normCap(a); n == cp || n == "ALL" {
						return "adds " + n
					}
				}
				return ""
			}),
		})
	}
	return cs
}

func legacyRegistry(s *facts.Snapshot) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	v := s.Engine.Version.Version
	major, rest, _ := strings.Cut(v, ".")
	minor, _, _ := strings.Cut(rest, ".")
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil {
		return skip("cannot parse engine version %q", v)
	}
	if ma > 17 || ma == 17 && mi >= 12 {
		return info("engine %s has no v1 registry support (removed in 17.12)", v)
	}
	st, why := setting(s, "disable-legacy-registry")
	if why != "" {
		return skip("%s", why)
	}
	if st.Bool(false) {
		return pass("legacy registry is disabled")
	}
	return warn(nil, "legacy registry operations are allowed")
}
