package misconfig

import (
	"github.com/bulwark-sec/bulwark/internal/advisory"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

func rule(id, cis string, sev advisory.Severity, title, desc, fix string) finding.Rule {
	return finding.Rule{ID: id, Class: finding.Misconfig, Severity: sev, Title: title, Description: desc, Remediation: fix, CIS: cis}
}

// contentRule marks a rule about a file's content (finding.Rule.Content).
func contentRule(r finding.Rule) finding.Rule {
	r.Content = true
	return r
}

// The rules. IDs are stable: reports, ignore files and policies refer to
// them.
var (
	RootUser = rule("BW-IMG-001", "4.1", advisory.High, "Image runs as root",
		"No USER is set, or USER is root: every process of the container runs as uid 0, so any escape or misconfigured mount is a root compromise of what it reaches.",
		"Create an unprivileged user in the image and end the Dockerfile with USER <name or uid>.")
	NoHealthcheck = rule("BW-IMG-002", "4.6", advisory.Low, "No HEALTHCHECK",
		"Without a HEALTHCHECK the engine cannot tell a hung service from a healthy one.",
		"Add a HEALTHCHECK instruction that probes the service.")
	AddRemote = rule("BW-IMG-003", "4.9", advisory.Medium, "ADD fetches a remote URL",
		"ADD downloads at build time without checksum verification and runs in the build's context.",
		"Download with RUN curl/wget and verify a checksum, or use ADD --checksum=sha256:…, or COPY a vetted file.")
	AddArchive = rule("BW-IMG-004", "4.9", advisory.Low, "ADD of a local archive",
		"ADD silently unpacks archives; COPY states the intent and does not.",
		"Use COPY, and unpack explicitly with RUN where unpacking is intended.")
	UpdateAlone = rule("BW-IMG-005", "4.7", advisory.Low, "Package index updated without installing in the same instruction",
		"An `apt-get update` (or apk/yum/dnf equivalent) in its own RUN is cached as a layer, so later builds install from a stale index.",
		"Combine update and install in one RUN: apt-get update && apt-get install -y …")
	NoCacheCleanup = rule("BW-IMG-006", "", advisory.Low, "Package manager cache left in the image",
		"Package indexes and downloaded archives stay in the layer: larger images and stale metadata.",
		"Clean up in the same RUN (rm -rf /var/lib/apt/lists/*, apk add --no-cache, yum/dnf clean all).")
	SecretInConfig = rule("BW-IMG-007", "4.10", advisory.High, "Secret in image configuration or history",
		"A value in ENV, ARG, LABEL or a build command looks like a credential; image configuration and history are readable by anyone who can pull the image.",
		"Pass credentials at run time (secrets, mounted files) or use BuildKit --secret; rotate the exposed credential.")
	AdminPort = rule("BW-IMG-008", "", advisory.Medium, "Remote administration port exposed",
		"The image exposes a port used for remote administration (SSH, Telnet, RDP, VNC, the Docker API).",
		"Do not run remote-administration daemons in containers; use docker exec or the orchestrator's tools.")
	LatestBase = rule("BW-IMG-009", "", advisory.Medium, "Base image not pinned",
		"FROM uses the latest tag or no tag: builds are not reproducible and silently change base.",
		"Pin the base image to a version tag, and preferably to a digest (FROM image:tag@sha256:…).")
	PipeToShell = rule("BW-IMG-010", "", advisory.Medium, "Downloaded script piped to a shell",
		"curl|sh and wget|sh run whatever the server returns at build time, unverified.",
		"Download to a file, verify its checksum or signature, then run it.")
	PlainHTTP = rule("BW-IMG-011", "", advisory.Medium, "Code fetched over plain HTTP at build time",
		"Downloads over http:// can be altered in transit.",
		"Use https:// and verify checksums.")
	Setuid = rule("BW-FILE-001", "4.8", advisory.Low, "setuid or setgid file",
		"setuid/setgid executables run with their owner's privileges; each one widens what an attacker inside the container can reach.",
		"Remove the bits where they are not needed: RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true")
	WorldWritable = rule("BW-FILE-002", "", advisory.Medium, "World-writable file or directory",
		"Any user in the container can change a world-writable file, or add files to a world-writable directory without the sticky bit.",
		"Remove the write bit for others (chmod o-w), or set the sticky bit on shared directories.")
	SensitiveFile = contentRule(rule("BW-FILE-003", "", advisory.High, "Credentials file in the image",
		"A file that holds credentials (private key, cloud or registry credentials, tokens, .env) is part of the image.",
		"Remove the file from every layer (rebuild; deleting it in a later layer keeps it in the earlier one), revoke the credential, and mount secrets at run time."))
)
