package java_test

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil"
)

func zipOf(t *testing.T, files ...[2]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func pomFile(g, a, v string) [2]string {
	return [2]string{"META-INF/maven/" + g + "/" + a + "/pom.properties", "groupId=" + g + "\nartifactId=" + a + "\nversion=" + v + "\n"}
}

// TestImage runs the whole inventory over a docker-archive image with
// compressed layers: nested locations keep the image path before "!/",
// the runner adds layer digests, and deleting the outer file in a later
// layer removes every package found inside it.
func TestImage(t *testing.T) {
	jar := zipOf(t, pomFile("org.apache.commons", "commons-text", "1.9"), [2]string{"org/apache/commons/text/StringSubstitutor.class", "\xca\xfe\xba\xbe"})
	war := zipOf(t, pomFile("com.example", "shop", "1.0.0"), [2]string{"WEB-INF/lib/commons-text-1.9.jar", jar})
	base := testutil.LayerTar(t,
		testutil.Entry{Name: "opt/shop/shop.war", Body: war},
		testutil.Entry{Name: "opt/tools/commons-text-1.9.jar", Body: jar},
		testutil.Entry{Name: "opt/tools/broken.jar", Body: "PK\x03\x04 this is not really a zip archive"},
	)
	archive := testutil.DockerArchive(t, "bulwark-test/java:1", base)
	rep, err := scan.Inventory(context.Background(), "docker-archive:"+archive, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type loc struct{ Name, Version, PURL, Path string }
	var got []loc
	for _, p := range rep.Packages {
		for _, l := range p.Locations {
			if l.LayerDigest == "" {
				t.Errorf("%s at %s: no layer digest", p.Name, l.Path)
			}
			got = append(got, loc{p.Name, p.Version, p.PURL, l.Path})
		}
	}
	want := []loc{
		{"com.example:shop", "1.0.0", "pkg:maven/com.example/shop@1.0.0", "opt/shop/shop.war"},
		{"org.apache.commons:commons-text", "1.9", "pkg:maven/org.apache.commons/commons-text@1.9", "opt/shop/shop.war!/WEB-INF/lib/commons-text-1.9.jar"},
		{"org.apache.commons:commons-text", "1.9", "pkg:maven/org.apache.commons/commons-text@1.9", "opt/tools/commons-text-1.9.jar"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("packages (-want +got):\n%s", d)
	}
	if len(rep.Coverage.Unknowns) != 1 || rep.Coverage.Unknowns[0].Path != "opt/tools/broken.jar" || rep.Coverage.Unknowns[0].Cataloger != "java" {
		t.Errorf("unknowns: %+v", rep.Coverage.Unknowns)
	}

	// A later layer deletes the war: what was inside it goes too.
	top := testutil.LayerTar(t, testutil.Entry{Name: "opt/shop/.wh.shop.war"})
	archive = testutil.DockerArchive(t, "bulwark-test/java:2", base, top)
	rep, err = scan.Inventory(context.Background(), "docker-archive:"+archive, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Packages {
		for _, l := range p.Locations {
			if strings.HasPrefix(l.Path, "opt/shop/") {
				t.Errorf("%s still reported at %s after the war was deleted", p.Name, l.Path)
			}
		}
	}
	if len(rep.Packages) != 1 {
		t.Errorf("%d packages after the deletion, want 1: %+v", len(rep.Packages), rep.Packages)
	}
}
