package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/dockerhost"
	"github.com/bulwark-sec/bulwark/internal/provenance"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/findings"
	"github.com/bulwark-sec/bulwark/internal/source"
	"github.com/bulwark-sec/bulwark/internal/verify"
	"github.com/bulwark-sec/bulwark/internal/vex"
)

func init() { subcommands = append(subcommands, command{"verify", newVerifyCmd}) }

// verifyFlags say what a signature verification trusts.
type verifyFlags struct {
	keys           []string
	trustedRoot    string
	identity       string
	identityRegexp string
	issuer         string
	issuerRegexp   string
	notationDir    string
}

func (f *verifyFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.keys, "key", nil, "trusted cosign public key: a PEM file or env://NAME (repeatable; KMS references need the network: export the key with cosign public-key)")
	fl.StringVar(&f.trustedRoot, "trusted-root", "", "sigstore trusted_root.json (Fulcio CAs and Rekor log keys) for keyless signatures, read offline")
	fl.StringVar(&f.identity, "certificate-identity", "", "keyless signer to trust: the certificate's subject (an e-mail address, a workflow URI)")
	fl.StringVar(&f.identityRegexp, "certificate-identity-regexp", "", "keyless signers to trust, as a regular expression over the whole subject")
	fl.StringVar(&f.issuer, "certificate-oidc-issuer", "", "the OIDC issuer keyless signers must come from")
	fl.StringVar(&f.issuerRegexp, "certificate-oidc-issuer-regexp", "", "OIDC issuers keyless signers may come from, as a regular expression")
	fl.StringVar(&f.notationDir, "notation-dir", "", "Notation configuration directory: trustpolicy.json and truststore/x509/… (as notation keeps them)")
}

// trust loads what the flags name; a bad file is a usage error.
func (f *verifyFlags) trust() (*verify.Trust, error) {
	t := &verify.Trust{}
	for _, k := range f.keys {
		key, err := verify.LoadKey(k)
		if err != nil {
			return nil, usageErrorf("--key: %v", err)
		}
		t.Keys = append(t.Keys, key)
	}
	if f.trustedRoot != "" {
		r, err := verify.LoadTrustedRoot(f.trustedRoot)
		if err != nil {
			return nil, usageErrorf("--trusted-root: %v", err)
		}
		t.Root, t.RootName = r, f.trustedRoot
	}
	if f.identity != "" || f.identityRegexp != "" {
		id := verify.Identity{Subject: f.identity, SubjectRegexp: f.identityRegexp, Issuer: f.issuer, IssuerRegexp: f.issuerRegexp}
		if err := id.Validate(); err != nil {
			return nil, usageErrorf("--certificate-identity: %v", err)
		}
		t.Identities = append(t.Identities, id)
	} else if f.issuer != "" || f.issuerRegexp != "" {
		return nil, usageErrorf("--certificate-oidc-issuer needs --certificate-identity or --certificate-identity-regexp")
	}
	if t.Root != nil && len(t.Identities) == 0 {
		return nil, usageErrorf("--trusted-root needs --certificate-identity or --certificate-identity-regexp: a keyless signature is only as good as who signed it")
	}
	if f.notationDir != "" {
		n, err := verify.LoadNotation(f.notationDir)
		if err != nil {
			return nil, usageErrorf("--notation-dir: %v", err)
		}
		t.Notation = n
	}
	return t, nil
}

// imageReferences finds where a target's signatures live: a registry
// reference as given, or the repo digests the engine recorded when it
// pulled a docker: image.
func imageReferences(ctx context.Context, target, dockerHost string) ([]string, error) {
	switch t := source.Parse(target); {
	case t.Kind == source.Registry:
		return []string{t.Ref}, nil
	case t.Kind == source.Docker:
		api, err := dockerhost.Client(dockerhost.Options{Host: dockerHost})
		if err != nil {
			return nil, fmt.Errorf("docker: %w", err)
		}
		defer api.Close()
		ins, err := api.ImageInspect(ctx, t.Ref)
		if err != nil {
			return nil, fmt.Errorf("docker: %w", err)
		}
		if len(ins.RepoDigests) == 0 {
			return nil, errors.New("the image has no repo digest (built or loaded here, never pulled): its signatures cannot be found in a registry")
		}
		return ins.RepoDigests, nil
	case !t.InRegistry():
		return nil, fmt.Errorf("%s targets carry no registry signatures: verify the image by its registry reference or as docker:NAME", t.Kind)
	}
	return []string{target}, nil
}

// verifyTarget verifies the target's first repo digest.
func verifyTarget(ctx context.Context, v *verify.Verifier, refs []string) (*provenance.Provenance, error) {
	return v.Verify(ctx, refs[0])
}

func newVerifyCmd(s *streams) *cobra.Command {
	var (
		vf         verifyFlags
		format     string
		output     string
		insecure   bool
		dockerHost string
		saveSBOM   string
		saveVEX    string
	)
	cmd := &cobra.Command{
		Use:   "verify TARGET",
		Short: "Verify an image's signatures and attestations (cosign, Notation, in-toto)",
		Long: `Find the signatures and attestations attached to an image in its registry
(cosign's sha256-<digest>.sig and .att tags, and the OCI referrers API) and
check them against what you trust:

  --key FILE              cosign signatures and attestations made with a key
  --trusted-root FILE     keyless cosign signatures: a certificate chained to a
                          Fulcio CA of sigstore's trusted_root.json, at the time
                          a Rekor entry (its signed entry timestamp or inclusion
                          proof) vouches for; with --certificate-identity and
                          --certificate-oidc-issuer naming who may sign
  --notation-dir DIR      Notation signatures: DIR/trustpolicy.json and
                          DIR/truststore, as notation keeps them

Everything is read offline but the registry. In-toto attestations are read:
SLSA provenance (builder, build type, source repository), CycloneDX and SPDX
SBOMs (--save-sbom writes the verified one for scan sbom:FILE), OpenVEX
(--save-vex, or scan --verify applies it as --vex) and vulnerability scans.

TARGET is a registry reference (registry:REF or a bare REF) or docker:NAME (an
image pulled into the engine: its repo digest says where its signatures are).

Exit codes: 0 a signature verified, 1 none did, 2 usage or input error.`,
		Example: `  bulwark verify --key cosign.pub registry.example.com/app@sha256:…
  bulwark verify --trusted-root trusted_root.json \
    --certificate-identity release@example.com --certificate-oidc-issuer https://accounts.example.com ghcr.io/org/app:1.4
  bulwark verify --notation-dir ~/.config/notation --format json docker:app:1.4`,
		Args: exactArgs(1, "TARGET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usageErrorf("unknown --format %q (want table or json)", format)
			}
			trust, err := vf.trust()
			if err != nil {
				return err
			}
			if trust.Empty() {
				return usageErrorf("nothing is trusted: give --key, --trusted-root with --certificate-identity, or --notation-dir")
			}
			refs, err := imageReferences(cmd.Context(), args[0], dockerHost)
			if err != nil {
				return inputError(fmt.Errorf("verify: %w", err))
			}
			p, err := verifyTarget(cmd.Context(), verify.New(verify.Options{Trust: trust, Insecure: insecure}), refs)
			if err != nil {
				return inputError(err)
			}
			if err := saveAttested(p, saveSBOM, provenance.KindCycloneDX, provenance.KindSPDX); err != nil {
				return err
			}
			if err := saveAttested(p, saveVEX, provenance.KindOpenVEX); err != nil {
				return err
			}
			if err := writeOutput(s.out, output, func(w io.Writer) error {
				if format == "json" {
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(p)
				}
				return writeProvenanceTable(w, p)
			}); err != nil {
				return err
			}
			if !p.Verified {
				return findingsError("no signature verified")
			}
			return nil
		},
	}
	vf.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "table", "output format: table, json")
	fl.StringVarP(&output, "output", "o", "", "write to FILE instead of stdout")
	fl.BoolVar(&insecure, "insecure", false, "allow plain HTTP to registries")
	fl.StringVar(&dockerHost, "docker-host", "", "Docker engine address for docker: targets")
	fl.StringVar(&saveSBOM, "save-sbom", "", "write the verified CycloneDX or SPDX attestation to FILE (scan it as sbom:FILE)")
	fl.StringVar(&saveVEX, "save-vex", "", "write the verified OpenVEX attestation to FILE (use it with scan --vex)")
	return cmd
}

// saveAttested writes the first verified attestation of the kinds to file.
func saveAttested(p *provenance.Provenance, file string, kinds ...string) error {
	if file == "" {
		return nil
	}
	for _, k := range kinds {
		if as := p.VerifiedAttestations(k); len(as) > 0 {
			return writeOutput(nil, file, func(w io.Writer) error {
				_, err := w.Write(append(as[0].Predicate, '\n'))
				return err
			})
		}
	}
	return &exitError{code: ExitFindings, err: fmt.Errorf("verify: no verified %s attestation to save", strings.Join(kinds, " or "))}
}

func writeProvenanceTable(w io.Writer, p *provenance.Provenance) error {
	r := &report.Report{Provenance: p}
	fmt.Fprintf(w, "Image:    %s\n", p.Reference)
	fmt.Fprintf(w, "Trusted:  %s\n", strings.Join(p.Trusted, "; "))
	fmt.Fprintf(w, "%s\n", findings.ProvenanceNote(p))
	for _, s := range r.Provenance.Signatures {
		fmt.Fprintf(w, "  %s\n", findings.SignatureText(s))
	}
	for _, a := range r.Provenance.Attestations {
		fmt.Fprintf(w, "  %s\n", findings.AttestationText(a))
	}
	for _, e := range p.Errors {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
	_, err := fmt.Fprintln(w)
	return err
}

// verifyScan is scan --verify: the report gets the provenance record, and
// verified OpenVEX attestations join the --vex documents.
func (f *verifyFlags) verifyScan(ctx context.Context, rep *report.Report, insecure bool) ([]*vex.Document, error) {
	trust, err := f.trust()
	if err != nil {
		return nil, err
	}
	if len(rep.Target.RepoDigests) == 0 {
		rep.Provenance = &provenance.Provenance{Reference: rep.Target.Name, Errors: []string{
			"the image has no repo digest (built, loaded or read from a file): its signatures cannot be found in a registry"}}
		rep.Provenance.Sort()
		return nil, nil
	}
	p, err := verify.New(verify.Options{Trust: trust, Insecure: insecure}).Verify(ctx, rep.Target.RepoDigests[0])
	if err != nil {
		return nil, inputError(err)
	}
	rep.Provenance = p
	var docs []*vex.Document
	for _, a := range p.VerifiedAttestations(provenance.KindOpenVEX) {
		d, err := vex.Parse(strings.NewReader(string(a.Predicate)))
		if err != nil {
			p.Errors = append(p.Errors, "OpenVEX attestation "+a.Source+": "+err.Error())
			continue
		}
		d.Path = "attestation " + a.Source
		docs = append(docs, d)
	}
	return docs, nil
}
