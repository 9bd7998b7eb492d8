package distro

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/sbom"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  *sbom.Distro
	}{
		{"debian bookworm", map[string]string{"etc/os-release": "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"},
			&sbom.Distro{ID: "debian", VersionID: "12", Codename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)", Source: "etc/os-release"}},
		{"debian testing", map[string]string{"usr/lib/os-release": "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\nVERSION_CODENAME=trixie\nID=debian\n", "etc/debian_version": "trixie/sid\n"},
			&sbom.Distro{ID: "debian", Codename: "trixie", PrettyName: "Debian GNU/Linux trixie/sid", Source: "usr/lib/os-release"}},
		{"alpine", map[string]string{"etc/os-release": "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n"},
			&sbom.Distro{ID: "alpine", VersionID: "3.19.1", PrettyName: "Alpine Linux v3.19", Source: "etc/os-release"}},
		{"ubi id_like", map[string]string{"etc/os-release": "NAME=\"Red Hat Enterprise Linux\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.3\"\n"},
			&sbom.Distro{ID: "rhel", VersionID: "9.3", IDLike: []string{"fedora"}, Source: "etc/os-release"}},
		{"alpine-release only", map[string]string{"etc/alpine-release": "3.11.6\n"},
			&sbom.Distro{ID: "alpine", VersionID: "3.11.6", PrettyName: "Alpine Linux v3.11.6", Source: "etc/alpine-release"}},
		{"debian_version only", map[string]string{"etc/debian_version": "9.13\n"},
			&sbom.Distro{ID: "debian", VersionID: "9", PrettyName: "Debian 9.13", Source: "etc/debian_version"}},
		{"centos 7", map[string]string{"etc/centos-release": "CentOS Linux release 7.9.2009 (Core)\n", "etc/redhat-release": "CentOS Linux release 7.9.2009 (Core)\n"},
			&sbom.Distro{ID: "centos", VersionID: "7.9.2009", PrettyName: "CentOS Linux release 7.9.2009 (Core)", Source: "etc/redhat-release"}},
		{"lsb", map[string]string{"etc/lsb-release": "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION=\"Ubuntu 22.04.4 LTS\"\n"},
			&sbom.Distro{ID: "ubuntu", VersionID: "22.04", Codename: "jammy", PrettyName: "Ubuntu 22.04.4 LTS", Source: "etc/lsb-release"}},
		{"os-release without ID falls back", map[string]string{"etc/os-release": "NAME=x\n", "etc/alpine-release": "3.18.0"},
			&sbom.Distro{ID: "alpine", VersionID: "3.18.0", PrettyName: "Alpine Linux v3.18.0", Source: "etc/alpine-release"}},
		{"nothing", map[string]string{"etc/hostname": "x"}, nil},
		{"garbage", map[string]string{"etc/redhat-release": "no release here", "etc/alpine-release": "edge"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Detect(func(p string) ([]byte, bool) { s, ok := tt.files[p]; return []byte(s), ok })
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func FuzzParseOSRelease(f *testing.F) {
	f.Add([]byte("ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME='x'\n"))
	f.Add([]byte("ID=\"a\\\"b\"\n#comment\n=\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d := ParseOSRelease(b)
		if d != nil && d.ID == "" {
			t.Fatal("distro without ID")
		}
		if f, ok := Ecosystem(d); ok && (f.Ecosystem == "" || f.Scheme == "") {
			t.Fatalf("feed %+v for %+v", f, d)
		}
		Detect(func(p string) ([]byte, bool) { return b, true })
	})
}
