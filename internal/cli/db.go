package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/columns"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
	"github.com/bulwark-sec/bulwark/internal/vulndb/importer"
)

func init() { subcommands = append(subcommands, command{"db", newDBCmd}) }

// staleAfter is the age at which `db status` warns.
const staleAfter = 7 * 24 * time.Hour

// dbError gives a database or feed failure (bad feed, damaged file,
// network) exit code 2.
func dbError(err error) error { return &exitError{code: ExitInput, err: err} }

func newDBCmd(s *streams) *cobra.Command {
	var dbPath string
	resolve := func() (string, error) {
		if dbPath != "" {
			return dbPath, nil
		}
		p, err := vulndb.DefaultPath()
		if err != nil {
			return "", dbError(err)
		}
		return p, nil
	}
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Build and inspect the vulnerability database",
		Long: `The vulnerability database is one file compiled from advisory feeds: OSV
exports, the Debian security tracker (DSA/DLA lists, tracker JSON) and Alpine's
secdb. It lives at $BULWARK_DB, or <user cache dir>/bulwark/db/bulwark.db;
--db overrides both. Downloads are cached next to it, in downloads/.`,
	}
	cmd.PersistentFlags().StringVar(&dbPath, "db", "", "database file (default $BULWARK_DB or <user cache dir>/bulwark/db/bulwark.db)")
	cmd.AddCommand(newDBImportCmd(s, resolve), newDBUpdateCmd(s, resolve), newDBStatusCmd(s, resolve))
	return cmd
}

func newDBImportCmd(s *streams, resolve func() (string, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "import PATH...",
		Short: "Compile the database from local feed files",
		Long: `Compile the database from local files, offline. Each PATH is an OSV all.zip,
a folder of OSV JSON records, one OSV record, a Debian DSA/DLA list, the Debian
tracker JSON, an Alpine secdb JSON file, or a folder laid out like a mirror
(osv/<Ecosystem>/all.zip, debian/DSA/list, debian/DLA/list, debian/tracker.json,
alpine/v3.N/{main,community}.json). A file that fails to parse fails the import
and the previous database stays in place.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := resolve()
			if err != nil {
				return err
			}
			rep, err := importer.Import(cmd.Context(), path, args, importer.ImportOptions{})
			if err != nil {
				return dbError(err)
			}
			return printReport(s.out, rep)
		},
	}
}

func newDBUpdateCmd(s *streams, resolve func() (string, error)) *cobra.Command {
	var (
		opts       importer.UpdateOptions
		ecosystems []string
		branches   []string
		amazon     []string
	)
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download the advisory feeds and compile the database",
		Long: `Download the advisory feeds from their publishers (or from --mirror, a server
laid out like osv/<Ecosystem>/all.zip, debian/DSA/list, debian/DLA/list,
debian/tracker.json, alpine/v3.N/{main,community}.json, wolfi/security.json,
chainguard/security.json, redhat/archive_latest.txt, amazon/<release>/updateinfo.xml.gz,
kev/known_exploited_vulnerabilities.json, epss/epss_scores-current.csv.gz,
nvd/CVE-all.json.xz, cve/cves.zip) and compile the database. Unchanged feeds
are not downloaded again (ETag, Last-Modified); interrupted downloads resume;
files the server lacks are skipped and listed. A failed or interrupted update
leaves the previous database in place.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := resolve()
			if err != nil {
				return err
			}
			opts.Ecosystems, opts.AlpineBranches, opts.AmazonReleases = ecosystems, branches, amazon
			opts.UserAgent = "bulwark/" + Version()
			rep, err := importer.Update(cmd.Context(), path, opts)
			if host, why, ok := unreachable(err); ok {
				hint := "offline? give --mirror URL of a feed mirror, or compile local feed files with `bulwark db import DIR`"
				if opts.Mirror != "" {
					hint = "check --mirror, or compile local feed files with `bulwark db import DIR`"
				}
				return dbError(fmt.Errorf("db update: cannot reach %s (%s); %s", host, why, hint))
			}
			if err != nil {
				return dbError(err)
			}
			return printReport(s.out, rep)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Mirror, "mirror", "", "base URL of a feed mirror instead of the publishers")
	f.StringSliceVar(&ecosystems, "ecosystems", nil, "OSV ecosystems to download (default Go,PyPI,npm,Maven,crates.io,RubyGems,Packagist,NuGet,Ubuntu,AlmaLinux,Rocky Linux,SUSE,openSUSE)")
	f.StringSliceVar(&amazon, "amazon-releases", nil, "Amazon Linux releases whose advisories to download (default 2,2023)")
	f.BoolVar(&opts.NVD, "nvd", false, "also download NVD's CVSS scores (fkie-cad/nvd-json-data-feeds CVE-all.json.xz, about 100 MiB)")
	f.StringVar(&opts.CVEURL, "cve-url", "", "URL of a zip of CVE JSON 5 records (a CVEProject/cvelistV5 release asset) for CNA and CISA ADP severities")
	f.StringSliceVar(&branches, "alpine-branches", nil, "Alpine secdb branches to download (default v3.2 to v3.22)")
	f.BoolVar(&opts.NoDebianTracker, "no-debian-tracker", false, "skip the Debian tracker JSON (the DSA/DLA lists are still used)")
	f.BoolVar(&opts.Force, "force", false, "rebuild even when no feed changed")
	return cmd
}

// unreachable recognises a network that does not get to the feed's host:
// a name that does not resolve, or a connection that fails.
func unreachable(err error) (host, why string, ok bool) {
	if dnsErr, is := errors.AsType[*net.DNSError](err); is {
		return dnsErr.Name, "its name does not resolve", true
	}
	if opErr, is := errors.AsType[*net.OpError](err); is && opErr.Op == "dial" {
		host = "the feed server"
		if ue, is := errors.AsType[*url.Error](err); is {
			if u, perr := url.Parse(ue.URL); perr == nil {
				host = u.Host
			}
		}
		return host, unwrapAll(opErr).Error(), true
	}
	return "", "", false
}

func printReport(w io.Writer, rep *importer.Report) error {
	var b strings.Builder
	switch {
	case rep.Rebuilt:
		fmt.Fprintf(&b, "built %s: %d advisories, %d package records from %d sources\n",
			rep.Path, rep.Meta.Advisories, rep.Meta.Records, len(rep.Meta.Sources))
	default:
		fmt.Fprintf(&b, "%s is up to date (%d sources unchanged)\n", rep.Path, len(rep.Unchanged))
	}
	if len(rep.Changed) > 0 && len(rep.Unchanged) > 0 {
		fmt.Fprintf(&b, "changed: %s\n", strings.Join(rep.Changed, ", "))
	}
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(&b, "skipped (not on the server): %s\n", strings.Join(rep.Skipped, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// statusJSON is the `db status --format json` document.
type statusJSON struct {
	Path          string              `json:"path"`
	SchemaVersion int                 `json:"schema_version"`
	BuiltAt       time.Time           `json:"built_at"`
	AgeSeconds    int64               `json:"age_seconds"`
	Stale         bool                `json:"stale"`
	Advisories    int                 `json:"advisories"`
	Records       int                 `json:"records"`
	Sources       []vulndb.SourceMeta `json:"sources"`
	Ecosystems    map[string]int      `json:"ecosystems"`
	Warnings      []string            `json:"warnings,omitempty"`
	Verified      *bool               `json:"verified,omitempty"`
}

func newDBStatusCmd(s *streams, resolve func() (string, error)) *cobra.Command {
	var (
		format string
		verify bool
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Describe the vulnerability database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usageErrorf("--format must be text or json, not %q", format)
			}
			path, err := resolve()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			db, err := vulndb.Open(ctx, path)
			if err != nil {
				return dbError(err)
			}
			defer db.Close()
			m := db.Meta()
			ecos, err := db.Ecosystems(ctx)
			if err != nil {
				return dbError(err)
			}
			st := statusJSON{
				Path: path, SchemaVersion: m.SchemaVersion, BuiltAt: m.BuiltAt,
				Advisories: m.Advisories, Records: m.Records, Sources: m.Sources, Ecosystems: ecos,
			}
			age := time.Since(m.BuiltAt)
			st.AgeSeconds = int64(age.Seconds())
			if age > staleAfter {
				st.Stale = true
				st.Warnings = append(st.Warnings, fmt.Sprintf("the database is %d days old; run `bulwark db update`", int(age.Hours()/24)))
			}
			var verr error
			if verify {
				verr = db.Verify(ctx)
				ok := verr == nil
				st.Verified = &ok
			}
			if format == "json" {
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(st); err != nil {
					return err
				}
			} else if err := printStatus(s.out, &st); err != nil {
				return err
			}
			if verr != nil {
				return dbError(verr)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&verify, "verify", false, "read and check every record (exit 2 if the file is damaged)")
	return cmd
}

func printStatus(w io.Writer, st *statusJSON) error {
	tw := columns.NewWriter(w, 2)
	fmt.Fprintf(tw, "database:\t%s\n", st.Path)
	fmt.Fprintf(tw, "schema version:\t%d\n", st.SchemaVersion)
	fmt.Fprintf(tw, "built:\t%s (%s ago)\n", st.BuiltAt.Format(time.RFC3339), time.Duration(st.AgeSeconds)*time.Second)
	fmt.Fprintf(tw, "advisories:\t%d\n", st.Advisories)
	fmt.Fprintf(tw, "package records:\t%d\n", st.Records)
	if st.Verified != nil {
		fmt.Fprintf(tw, "verified:\t%t\n", *st.Verified)
	}
	fmt.Fprintf(tw, "\nSOURCE\tADVISORIES\tFINGERPRINT\tFETCHED\tURL\n")
	for _, src := range st.Sources {
		fp := string(src.Fingerprint)
		if len(fp) > 19 {
			fp = fp[:19]
		}
		fetched := "-"
		if !src.FetchedAt.IsZero() {
			fetched = src.FetchedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", src.Name, src.Count, fp, fetched, src.URL)
	}
	names := make([]string, 0, len(st.Ecosystems))
	for e := range st.Ecosystems {
		names = append(names, e)
	}
	sort.Strings(names)
	fmt.Fprintf(tw, "\nECOSYSTEM\tRECORDS\n")
	for _, e := range names {
		fmt.Fprintf(tw, "%s\t%d\n", e, st.Ecosystems[e])
	}
	for _, warn := range st.Warnings {
		fmt.Fprintf(tw, "\nwarning: %s\n", warn)
	}
	return tw.Flush()
}
