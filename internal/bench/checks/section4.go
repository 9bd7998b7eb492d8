package checks

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/bulwark-sec/bulwark/internal/bench"
	"github.com/bulwark-sec/bulwark/internal/bench/facts"
)

func section4() []bench.Check {
	return []bench.Check{
		check("4.1", "Containers run as a non-root user", 1, true,
			"Create an unprivileged user in the image (USER in the Dockerfile) or run the container with --user UID:GID.",
			func(s *facts.Snapshot) bench.Outcome {
				return perContainer(s, runningContainers, "run as root", func(c facts.Container) string {
					if u := config(c).User; isRootUser(u) {
						if u == "" {
							return "no user set (root)"
						}
						return "user " + u
					}
					return ""
				})
			}),
		manual("4.2", "Only trusted base images are used", 1,
			"review where each image comes from (registry, publisher, signature) against your policy",
			"Build only on base images from registries and publishers you trust; pin them by digest."),
		manual("4.3", "No unnecessary packages in containers", 1,
			"review the package inventory of each image (`bulwark sbom IMAGE`) for tools the service does not need",
			"Start from minimal or distroless bases and install only what the service needs."),
		manual("4.4", "Images are scanned and rebuilt with security patches", 1,
			"scan every image for known vulnerabilities (`bulwark scan IMAGE`) and rebuild those with fixes available",
			"Scan images in CI and on a schedule; rebuild and redeploy when fixes are published."),
		check("4.5", "Content trust for Docker is enabled", 2, true,
			"export DOCKER_CONTENT_TRUST=1 in the environment of every user and job that pulls or pushes images.",
			contentTrust),
		check("4.6", "HEALTHCHECK instructions are added to images", 1, true,
			"Add a HEALTHCHECK instruction to each image's Dockerfile (or --health-cmd at run time).",
			func(s *facts.Snapshot) bench.Outcome {
				return perImage(s, "define no HEALTHCHECK", func(img facts.Image) string {
					cfg := img.Inspect.Config
					if cfg == nil || cfg.Healthcheck == nil || len(cfg.Healthcheck.Test) == 0 {
						return "no healthcheck"
					}
					if strings.EqualFold(cfg.Healthcheck.Test[0], "NONE") {
						return "healthcheck disabled (NONE)"
					}
					return ""
				})
			}),
		check("4.7", "Package index updates are not run on their own", 1, false,
			"Combine the index update with the install in one RUN (apt-get update && apt-get install -y …) so a cached layer never holds a stale index.",
			func(s *facts.Snapshot) bench.Outcome {
				return perHistory(s, "run a package index update on its own", standaloneUpdate)
			}),
		manual("4.8", "setuid and setgid permissions are removed", 2,
			"list setuid/setgid files in each image (`docker run --rm IMAGE find / -perm /6000 -type f`) and keep only those the service needs",
			"Remove the bits in the Dockerfile: RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +"),
		check("4.9", "COPY is used instead of ADD", 1, false,
			"Use COPY for local files; fetch remote files with a verified download in RUN instead of ADD URL.",
			func(s *facts.Snapshot) bench.Outcome {
				return perHistory(s, "use ADD beyond the base layer", usesAdd)
			}),
		check("4.10", "Secrets are not stored in images", 1, false,
			"Pass secrets at run time (docker secrets, mounted files, --secret in BuildKit) instead of ENV, ARG or files in the image.",
			secretEnv),
		check("4.11", "Only verified packages are installed", 2, false,
			"Install packages only from signed repositories and verify checksums of downloaded artifacts in the Dockerfile; build in a pipeline that signs SLSA provenance (trust.images builders, source_repos).",
			verifiedBuilds),
		check("4.12", "All signed artifacts are validated", 1, false,
			"Verify signatures (cosign, Notation) of every image and artifact before use; `bulwark guard` with trust.enabled refuses containers from images that fail.",
			validatedArtifacts),
	}
}

// isRootUser reports whether a Config.User value means uid 0.
func isRootUser(u string) bool {
	user, _, _ := strings.Cut(strings.TrimSpace(u), ":")
	return user == "" || user == "root" || strings.TrimLeft(user, "0") == "" && user != ""
}

// trustHint names the flag that turns 4.5, 4.11 and 4.12 into checks of
// each image's signatures and attestations.
const trustHint = "--trust-policy FILE verifies each image's signatures and attestations against a guard policy's trust section"

// contentTrust judges 4.5: with a trust policy, each image must carry a
// verified signature from a signer the policy names (Docker Content
// Trust's Notary v1 is end-of-life; cosign and Notation signatures are
// what is checked); without one, DOCKER_CONTENT_TRUST in the audit's
// environment.
func contentTrust(s *facts.Snapshot) bench.Outcome {
	if s.Trust != nil {
		return perTrusted(s, "lack a verified signature from a signer the trust policy names",
			"carry a verified signature from a signer the trust policy names",
			func(ti facts.TrustedImage) string { return ti.Unsigned })
	}
	if s.Env.ContentTrust == "1" {
		return pass("DOCKER_CONTENT_TRUST=1 in the audit's environment")
	}
	if !s.Env.ContentTrustSet {
		return warn(nil, "DOCKER_CONTENT_TRUST is not set in the audit's environment (run bench with the variable of the shells that use docker; or %s)", trustHint)
	}
	return warn(nil, "DOCKER_CONTENT_TRUST=%q in the audit's environment, want 1 (or %s)", s.Env.ContentTrust, trustHint)
}

// verifiedBuilds judges 4.11 with a trust policy: each image must carry
// SLSA provenance signed by a trusted signer, from the builders and
// source repositories its rule names (a verified build is how a host can
// know its packages were installed by a checked process).
func verifiedBuilds(s *facts.Snapshot) bench.Outcome {
	if s.Trust == nil {
		return bench.Outcome{Status: bench.Note, Details: "review the build steps of each image for package signature verification (signed repositories, checked GPG keys and checksums); " + trustHint}
	}
	return perTrusted(s, "lack SLSA provenance from a trusted signer, builder and source",
		"carry SLSA provenance signed by a trusted signer, from the builders and sources their rule names",
		func(ti facts.TrustedImage) string { return ti.NoProvenance })
}

// validatedArtifacts judges 4.12 with a trust policy: each image must meet
// every rule that covers it (signers, provenance, vulnerability
// attestation age), as the guard would admit it.
func validatedArtifacts(s *facts.Snapshot) bench.Outcome {
	if s.Trust == nil {
		return bench.Outcome{Status: bench.Note, Details: "confirm that every artifact's signature is verified before it is used in a build or deployment; " + trustHint}
	}
	return perTrusted(s, "break the trust policy's rules", "meet every trust policy rule that covers them",
		func(ti facts.TrustedImage) string { return strings.Join(ti.Violations, "; ") })
}

// perTrusted judges each image's trust verdict; bad says what is wrong.
func perTrusted(s *facts.Snapshot, what, good string, bad func(facts.TrustedImage) string) bench.Outcome {
	if o, down := engineDown(s); down {
		return o
	}
	var items []string
	for _, ti := range s.Trust.Images {
		if why := bad(ti); why != "" {
			n := ti.Image
			if ti.InUse {
				n += " (in use)"
			}
			items = append(items, n+": "+why)
		}
	}
	slices.Sort(items)
	n := len(s.Trust.Images)
	switch {
	case len(items) > 0:
		return warn(items, "%d of %d images %s (%s)", len(items), n, what, s.Trust.Policy)
	case s.Engine.ImagesErr != "":
		return skip("could not read every image: %s", s.Engine.ImagesErr)
	case n == 0:
		return info("no images to check")
	default:
		return pass("all %d images %s (%s)", n, good, s.Trust.Policy)
	}
}

// perHistory judges the build steps of each image, newest first as the API
// returns them; bad sees one step and says what is wrong with it.
func perHistory(s *facts.Snapshot, what string, bad func(steps []string) []string) bench.Outcome {
	o := perImage(s, what, func(img facts.Image) string {
		if img.HistoryErr != "" {
			return ""
		}
		steps := make([]string, 0, len(img.History))
		for i := len(img.History) - 1; i >= 0; i-- { // oldest first
			steps = append(steps, img.History[i].CreatedBy)
		}
		found := bad(steps)
		if len(found) == 0 {
			return ""
		}
		return strings.Join(found, " | ")
	})
	if o.Status == bench.Pass {
		for _, img := range s.Engine.Images {
			if img.HistoryErr != "" {
				return skip("history of %s not readable: %s", img.Name(), img.HistoryErr)
			}
		}
	}
	return o
}

var (
	updateRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(apt-get|apt|aptitude)\s+(-\S+\s+)*update\b|\bapk\s+(-\S+\s+)*update\b|\b(yum|dnf|microdnf)\s+(-\S+\s+)*makecache\b|\bzypper\s+(-\S+\s+)*(refresh|ref)\b`)
	})
	installRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b(install|upgrade|dist-upgrade|add)\b`) })
	addRe     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(^|#\(nop\)\s+)ADD\s`) })
)

func standaloneUpdate(steps []string) []string {
	var out []string
	for _, st := range steps {
		if updateRe().MatchString(st) && !installRe().MatchString(st) {
			out = append(out, shorten(st))
		}
	}
	return out
}

// usesAdd skips the oldest step, which is how every base image adds its
// root filesystem.
func usesAdd(steps []string) []string {
	var out []string
	for i, st := range steps {
		if i == 0 {
			continue
		}
		if addRe().MatchString(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(st), "/bin/sh -c"))) {
			out = append(out, shorten(st))
		}
	}
	return out
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		return s[:97] + "..."
	}
	return s
}

// secretNameRe matches environment variable names that usually hold
// credentials. Names ending in _FILE or _PATH point at a secret elsewhere.
var secretNameRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(passw(or)?d|secret|token|api_?key|access_?key|private_?key|credentials?)`)
})

// secretEnv is a heuristic: it reports variable names, never values.
func secretEnv(s *facts.Snapshot) bench.Outcome {
	o := perImage(s, "carry secret-like environment variables", func(img facts.Image) string {
		if img.Inspect.Config == nil {
			return ""
		}
		var names []string
		for _, kv := range img.Inspect.Config.Env {
			k, v, _ := strings.Cut(kv, "=")
			up := strings.ToUpper(k)
			if v == "" || strings.HasSuffix(up, "_FILE") || strings.HasSuffix(up, "_PATH") || strings.HasSuffix(up, "_DIR") {
				continue
			}
			if secretNameRe().MatchString(k) {
				names = append(names, k)
			}
		}
		slices.Sort(names)
		if len(names) == 0 {
			return ""
		}
		return "ENV " + strings.Join(names, ", ")
	})
	if o.Status == bench.Pass {
		o = bench.Outcome{Status: bench.Note, Details: o.Details + "; review Dockerfiles and build arguments for other secrets"}
	}
	return o
}
