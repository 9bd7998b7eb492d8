package verify

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/provenance"
)

// statement is the part of an in-toto statement (v0.1 or v1) read here.
type statement struct {
	Type    string `json:"_type"`
	Subject []struct {
		Name   string            `json:"name"`
		Digest map[string]string `json:"digest"`
	} `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

// readStatement parses an in-toto statement, checks that it is about the
// image digest, and fills the attestation's kind and the predicate fields
// Bulwark uses.
func readStatement(payload []byte, img v1.Hash, a *provenance.Attestation) error {
	var st statement
	if err := strictJSON(payload, &st); err != nil {
		return fmt.Errorf("statement is not in-toto JSON: %w", err)
	}
	if !strings.HasPrefix(st.Type, "https://in-toto.io/Statement/") {
		return fmt.Errorf("statement type %q is not in-toto", st.Type)
	}
	if a.PredicateType != "" && a.PredicateType != st.PredicateType {
		return fmt.Errorf("layer annotation says predicate %q, the statement %q", a.PredicateType, st.PredicateType)
	}
	a.PredicateType = st.PredicateType
	about := false
	for _, s := range st.Subject {
		if s.Digest[img.Algorithm] == img.Hex {
			about = true
		}
	}
	if !about {
		return fmt.Errorf("statement is about another artifact, not %s", img)
	}
	a.Kind = kindOf(st.PredicateType)
	if len(st.Predicate) == 0 || string(st.Predicate) == "null" {
		return errors.New("statement has no predicate")
	}
	switch a.Kind {
	case provenance.KindSLSA:
		return readSLSA(st.PredicateType, st.Predicate, a)
	case provenance.KindVuln:
		return readVuln(st.Predicate, a)
	case provenance.KindCycloneDX, provenance.KindSPDX, provenance.KindOpenVEX:
		a.Predicate = st.Predicate
	}
	return nil
}

// kindOf names a predicate type.
func kindOf(pt string) string {
	switch {
	case strings.HasPrefix(pt, "https://slsa.dev/provenance/"):
		return provenance.KindSLSA
	case strings.HasPrefix(pt, "https://cyclonedx.org/bom"):
		return provenance.KindCycloneDX
	case strings.HasPrefix(pt, "https://spdx.dev/Document"):
		return provenance.KindSPDX
	case strings.HasPrefix(pt, "https://openvex.dev/ns"):
		return provenance.KindOpenVEX
	case pt == "https://cosign.sigstore.dev/attestation/vuln/v1":
		return provenance.KindVuln
	}
	return provenance.KindOther
}

// slsa holds the fields of SLSA provenance v0.2 and v1 that say who built
// the image from what.
type slsa struct {
	// v0.2
	Builder struct {
		ID string `json:"id"`
	} `json:"builder"`
	BuildType  string `json:"buildType"`
	Invocation struct {
		ConfigSource struct {
			URI    string            `json:"uri"`
			Digest map[string]string `json:"digest"`
		} `json:"configSource"`
	} `json:"invocation"`
	Materials []struct {
		URI string `json:"uri"`
	} `json:"materials"`
	// v1
	BuildDefinition struct {
		BuildType          string `json:"buildType"`
		ExternalParameters struct {
			Workflow struct {
				Repository string `json:"repository"`
				Ref        string `json:"ref"`
			} `json:"workflow"`
			Source string `json:"source"`
		} `json:"externalParameters"`
		ResolvedDependencies []struct {
			URI string `json:"uri"`
		} `json:"resolvedDependencies"`
	} `json:"buildDefinition"`
	RunDetails struct {
		Builder struct {
			ID string `json:"id"`
		} `json:"builder"`
	} `json:"runDetails"`
}

func readSLSA(pt string, pred json.RawMessage, a *provenance.Attestation) error {
	var p slsa
	if err := json.Unmarshal(pred, &p); err != nil {
		return fmt.Errorf("SLSA provenance: %w", err)
	}
	if strings.HasPrefix(pt, "https://slsa.dev/provenance/v0.") {
		a.BuilderID, a.BuildType = p.Builder.ID, p.BuildType
		a.SourceRepo = p.Invocation.ConfigSource.URI
		if a.SourceRepo == "" && len(p.Materials) > 0 {
			a.SourceRepo = p.Materials[0].URI
		}
		for _, alg := range []string{"sha1", "gitCommit", "sha256"} {
			if d := p.Invocation.ConfigSource.Digest[alg]; d != "" {
				a.SourceRef = d
				break
			}
		}
	} else {
		a.BuilderID, a.BuildType = p.RunDetails.Builder.ID, p.BuildDefinition.BuildType
		ext := p.BuildDefinition.ExternalParameters
		switch {
		case ext.Workflow.Repository != "":
			a.SourceRepo, a.SourceRef = ext.Workflow.Repository, ext.Workflow.Ref
		case ext.Source != "":
			a.SourceRepo = ext.Source
		case len(p.BuildDefinition.ResolvedDependencies) > 0:
			a.SourceRepo = p.BuildDefinition.ResolvedDependencies[0].URI
		}
	}
	if a.BuilderID == "" {
		return errors.New("SLSA provenance names no builder")
	}
	return nil
}

// vuln is cosign's vulnerability scan predicate.
type vuln struct {
	Scanner struct {
		URI     string `json:"uri"`
		Version string `json:"version"`
	} `json:"scanner"`
	Metadata struct {
		ScanStartedOn  time.Time `json:"scanStartedOn"`
		ScanFinishedOn time.Time `json:"scanFinishedOn"`
	} `json:"metadata"`
}

func readVuln(pred json.RawMessage, a *provenance.Attestation) error {
	var p vuln
	if err := json.Unmarshal(pred, &p); err != nil {
		return fmt.Errorf("vulnerability attestation: %w", err)
	}
	a.ScannedAt = p.Metadata.ScanFinishedOn.UTC()
	if a.ScannedAt.IsZero() {
		a.ScannedAt = p.Metadata.ScanStartedOn.UTC()
	}
	if a.ScannedAt.IsZero() {
		return errors.New("vulnerability attestation says not when the scan ran (metadata.scanFinishedOn)")
	}
	a.Scanner = strings.TrimSpace(p.Scanner.URI + " " + p.Scanner.Version)
	return nil
}
