package distro

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEcosystem(t *testing.T) {
	tests := []struct {
		name, osRelease string
		want            Feed
		ok              bool
	}{
		{"debian 12", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n", Feed{Ecosystem: "Debian:12", Scheme: "dpkg"}, true},
		{"debian testing", "ID=debian\nVERSION_CODENAME=trixie\n", Feed{Ecosystem: "Debian:13", Scheme: "dpkg"}, true},
		{"ubuntu 22.04", "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME=jammy\n",
			Feed{Ecosystem: "Ubuntu:22.04:LTS", Also: []string{"Ubuntu:Pro:22.04:LTS"}, Scheme: "dpkg"}, true},
		{"ubuntu 18.04", "ID=ubuntu\nVERSION_ID=\"18.04\"\n", Feed{Ecosystem: "Ubuntu:18.04:LTS", Also: []string{"Ubuntu:Pro:18.04:LTS"}, Scheme: "dpkg"}, true},
		{"ubuntu interim", "ID=ubuntu\nVERSION_ID=\"23.10\"\n", Feed{Ecosystem: "Ubuntu:23.10", Scheme: "dpkg"}, true},
		{"alpine", "ID=alpine\nVERSION_ID=3.19.1\n", Feed{Ecosystem: "Alpine:v3.19", Scheme: "apk"}, true},
		{"almalinux 9.4", "NAME=\"AlmaLinux\"\nVERSION=\"9.4 (Seafoam Ocelot)\"\nID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\n",
			Feed{Ecosystem: "AlmaLinux:9", Scheme: "rpm", Binary: true}, true},
		{"rocky 9.3", "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\n", Feed{Ecosystem: "Rocky Linux:9", Scheme: "rpm", Binary: true}, true},
		{"ubi 9", "NAME=\"Red Hat Enterprise Linux\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.4\"\n", Feed{Ecosystem: "Red Hat:9", Scheme: "rpm"}, true},
		{"rhel rebuild by ID_LIKE", "ID=\"eurolinux\"\nID_LIKE=\"rhel fedora centos\"\nVERSION_ID=\"8.7\"\n", Feed{Ecosystem: "Red Hat:8", Scheme: "rpm"}, true},
		{"amazon linux 2023", "NAME=\"Amazon Linux\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\n", Feed{Ecosystem: "Amazon Linux:2023", Scheme: "rpm", Binary: true}, true},
		{"amazon linux 2", "ID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\nVERSION_ID=\"2\"\n", Feed{Ecosystem: "Amazon Linux:2", Scheme: "rpm", Binary: true}, true},
		{"wolfi", "ID=wolfi\nNAME=\"Wolfi\"\nVERSION_ID=\"20230201\"\n", Feed{Ecosystem: "Wolfi", Scheme: "apk"}, true},
		{"chainguard", "ID=chainguard\nNAME=\"Chainguard\"\nVERSION_ID=\"20230214\"\n", Feed{Ecosystem: "Chainguard", Scheme: "apk"}, true},
		{"sles 15 sp5", "NAME=\"SLES\"\nVERSION=\"15-SP5\"\nVERSION_ID=\"15.5\"\nID=\"sles\"\nID_LIKE=\"suse\"\n", Feed{Ecosystem: "SUSE:Linux Enterprise Server 15 SP5", Scheme: "rpm", Binary: true}, true},
		{"sles 15", "ID=\"sles\"\nVERSION_ID=\"15\"\n", Feed{Ecosystem: "SUSE:Linux Enterprise Server 15", Scheme: "rpm", Binary: true}, true},
		{"opensuse leap", "ID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\nVERSION_ID=\"15.6\"\n", Feed{Ecosystem: "openSUSE:Leap 15.6", Scheme: "rpm", Binary: true}, true},
		{"tumbleweed", "ID=\"opensuse-tumbleweed\"\nVERSION_ID=\"20240801\"\n", Feed{Ecosystem: "openSUSE:Tumbleweed", Scheme: "rpm", Binary: true}, true},
		{"oracle linux has no feed", "ID=\"ol\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.3\"\n", Feed{}, false},
		{"arch has no feed", "ID=arch\n", Feed{}, false},
		{"ubuntu without version", "ID=ubuntu\n", Feed{}, false},
		{"hostile version", "ID=almalinux\nVERSION_ID=\"9:\x00x\"\n", Feed{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Ecosystem(ParseOSRelease([]byte(tt.osRelease)))
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	if _, ok := Ecosystem(nil); ok {
		t.Error("nil distro has a feed")
	}
}

func TestCanonicalEcosystem(t *testing.T) {
	for in, want := range map[string]string{
		"SUSE:Linux Enterprise Module for Basesystem 15 SP5":               "SUSE:Linux Enterprise Server 15 SP5",
		"SUSE:Linux Enterprise Server 15 SP5-LTSS":                         "SUSE:Linux Enterprise Server 15 SP5",
		"SUSE:Linux Enterprise Server for SAP Applications 15 SP4":         "SUSE:Linux Enterprise Server 15 SP4",
		"SUSE:Linux Enterprise High Performance Computing 15 SP3-ESPOS":    "SUSE:Linux Enterprise Server 15 SP3",
		"SUSE:Linux Enterprise Server 15":                                  "SUSE:Linux Enterprise Server 15",
		"SUSE:Linux Enterprise Server 12 SP5":                              "SUSE:Linux Enterprise Server 12 SP5",
		"SUSE:Linux Enterprise Micro 5.5":                                  "SUSE:Linux Enterprise Micro 5.5",
		"openSUSE:Leap 15.5":                                               "openSUSE:Leap 15.5",
		"Ubuntu:22.04:LTS":                                                 "Ubuntu:22.04:LTS",
		"AlmaLinux:9":                                                      "AlmaLinux:9",
		"SUSE:Enterprise Storage 7.1":                                      "SUSE:Enterprise Storage 7.1",
		"SUSE:Linux Enterprise Desktop 15 SP5":                             "SUSE:Linux Enterprise Server 15 SP5",
		"SUSE:Linux Enterprise Module for Package Hub 15 SP5":              "SUSE:Linux Enterprise Server 15 SP5",
		"SUSE:Linux Enterprise Module for Server Applications 15 SP6-LTSS": "SUSE:Linux Enterprise Server 15 SP6",
	} {
		if got := CanonicalEcosystem(in); got != want {
			t.Errorf("CanonicalEcosystem(%q) = %q, want %q", in, got, want)
		}
	}
	// What a SLES image maps to is what SUSE's module names are stored as.
	f, _ := Ecosystem(ParseOSRelease([]byte("ID=\"sles\"\nVERSION_ID=\"15.5\"\n")))
	if got := CanonicalEcosystem("SUSE:Linux Enterprise Module for Basesystem 15 SP5"); got != f.Ecosystem {
		t.Errorf("stored %q, looked up %q", got, f.Ecosystem)
	}
}
