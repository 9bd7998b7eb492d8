package java

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bulwark-sec/bulwark/internal/catalog/catalogtest"
)

// entry is one file of a zip built in memory.
type entry struct {
	name  string
	data  []byte
	store bool
}

func mkzip(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.store {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pomEntry(g, a, v string) entry {
	p, c := pom(g, a, v)
	return entry{name: p, data: []byte(c)}
}

func read(t testing.TB, c *Cataloger, data []byte, path string) ([]Artifact, error) {
	t.Helper()
	return c.Read(context.Background(), bytes.NewReader(data), int64(len(data)), path)
}

func TestWants(t *testing.T) {
	c := New()
	for p, want := range map[string]bool{
		"app/app.jar":         true,
		"app/APP.JAR":         true,
		"srv/x.war":           true,
		"srv/x.ear":           true,
		"var/jenkins/git.jpi": true,
		"var/jenkins/git.hpi": true,
		"deploy/x.sar":        true,
		"deploy/x.par":        true,
		"x.zip":               false,
		"jar":                 false,
		".jar":                false,
		"usr/lib/x.jar.sha1":  false,
		"usr/share/java":      false,
	} {
		if got := c.Wants(p, 0o644, 1000); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
	if c.Wants("x.jar", 0o644, 10) {
		t.Error("wants a file smaller than any zip")
	}
	if c.Wants("x.jar", 0o644, 600<<20) {
		t.Error("wants a file larger than random access allows")
	}
	if c.Wants("x.jar", 0o755|1<<31, 1000) { // fs.ModeDir
		t.Error("wants a directory")
	}
}

func TestPOMProperties(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []entry
		want []Artifact
		err  string
	}{{
		name: "directories stand in for missing keys",
		in:   []entry{{name: "META-INF/maven/org.slf4j/slf4j-api/pom.properties", data: []byte("version=1.7.36\n")}},
		want: []Artifact{{GroupID: "org.slf4j", ArtifactID: "slf4j-api", Version: "1.7.36", Evidence: EvidencePOM, Path: "a.jar"}},
	}, {
		name: "keys win over directories",
		in:   []entry{{name: "META-INF/maven/x/y/pom.properties", data: []byte("groupId = io.netty\nartifactId: netty-codec-http\nversion\t4.1.77.Final\n")}},
		want: []Artifact{{GroupID: "io.netty", ArtifactID: "netty-codec-http", Version: "4.1.77.Final", Evidence: EvidencePOM, Path: "a.jar"}},
	}, {
		name: "one bad, one good: partial result",
		in: []entry{
			{name: "META-INF/maven/a/b/pom.properties", data: []byte("groupId=a\nartifactId=b\n")},
			pomEntry("org.yaml", "snakeyaml", "1.33"),
		},
		want: []Artifact{{GroupID: "org.yaml", ArtifactID: "snakeyaml", Version: "1.33", Evidence: EvidencePOM, Path: "a.jar"}},
		err:  "no usable version",
	}, {
		name: "unresolved property",
		in:   []entry{{name: "META-INF/maven/a/b/pom.properties", data: []byte("version=${project.version}\n")}},
		err:  "no usable version",
	}, {
		name: "duplicates fold",
		in:   []entry{pomEntry("a", "b", "1"), {name: "META-INF/maven/a/b/x/pom.properties", data: []byte("groupId=a\nartifactId=b\nversion=1\n")}},
		want: []Artifact{{GroupID: "a", ArtifactID: "b", Version: "1", Evidence: EvidencePOM, Path: "a.jar"}},
	}, {
		name: "bad escape",
		in:   []entry{{name: "META-INF/maven/a/b/pom.properties", data: []byte("version=\\u12\n")}},
		err:  "malformed",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := read(t, New(), mkzip(t, tc.in...), "a.jar")
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("error %v, want %q", err, tc.err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestNotJava(t *testing.T) {
	// A Perl PAR archive shares the .par extension.
	par := mkzip(t, entry{name: "lib/Foo.pm", data: []byte("package Foo; 1;\n")}, entry{name: "script/main.pl", data: []byte("print 1;\n")})
	got, err := read(t, New(), par, "opt/app-1.0.par")
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v; want nothing", got, err)
	}
	for name, data := range map[string][]byte{
		"empty":     nil,
		"text":      []byte("this is not a zip file, whatever its name says"),
		"truncated": mkzip(t, pomEntry("a", "b", "1"))[:60],
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := read(t, New(), data, "x.jar"); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestParseFixture(t *testing.T) {
	// A jar as the catalog runner sees it, checked in.
	pkgs, err := catalogtest.ParseFixture(t, New(), "usr/share/java/snakeyaml-1.33.jar")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 || pkgs[0].Name != "org.yaml:snakeyaml" || pkgs[0].Version != "1.33" {
		t.Errorf("got %+v", pkgs)
	}
}

// nest wraps inner in level archives, each with its own pom.properties:
// level n holds level n-1 as lib/inner.jar.
func nest(t testing.TB, levels int, store bool) []byte {
	data := mkzip(t, pomEntry("org.example", "level0", "1.0"))
	for i := 1; i < levels; i++ {
		data = mkzip(t, pomEntry("org.example", fmt.Sprintf("level%d", i), "1.0"), entry{name: "lib/inner.jar", data: data, store: store})
	}
	return data
}

func TestDepth(t *testing.T) {
	for _, store := range []bool{true, false} {
		t.Run(fmt.Sprint("store=", store), func(t *testing.T) {
			// Ten levels: the outer one and four below it are read.
			got, err := read(t, New(), nest(t, 10, store), "deep.jar")
			if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "nested more than 4 archives deep") {
				t.Errorf("error %v, want the depth limit", err)
			}
			var names []string
			for _, a := range got {
				names = append(names, a.ArtifactID+" "+a.Path)
			}
			want := []string{
				"level9 deep.jar",
				"level8 deep.jar!/lib/inner.jar",
				"level7 deep.jar!/lib/inner.jar!/lib/inner.jar",
				"level6 deep.jar!/lib/inner.jar!/lib/inner.jar!/lib/inner.jar",
				"level5 deep.jar!/lib/inner.jar!/lib/inner.jar!/lib/inner.jar!/lib/inner.jar",
			}
			if d := cmp.Diff(want, names); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestWideNesting(t *testing.T) {
	// Ten copies at each of four levels would be 11,111 archives to open.
	data := mkzip(t, pomEntry("org.example", "leaf", "1.0"))
	for i := 0; i < 4; i++ {
		var es []entry
		for k := 0; k < 10; k++ {
			es = append(es, entry{name: fmt.Sprintf("lib/c%d.jar", k), data: data, store: true})
		}
		data = mkzip(t, es...)
	}
	start := time.Now()
	got, err := read(t, New(), data, "wide.jar")
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "more than 4096 archives") {
		t.Errorf("error %v, want the archive count limit", err)
	}
	if len(got) == 0 || len(got) > 4096 {
		t.Errorf("%d artifacts", len(got))
	}
	t.Logf("%d artifacts before the limit, in %v", len(got), time.Since(start))
}

func zeros(n int) []byte { return make([]byte, n) }

// rawEntry writes a deflated entry whose header declares size bytes.
func rawEntry(t testing.TB, zw *zip.Writer, name string, content []byte, declared uint64) {
	t.Helper()
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	fw.Close()
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(content),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
}

func TestZipBombs(t *testing.T) {
	lim := Limits{Nested: 1 << 20, Inflated: 3 << 20, SmallFile: 4 << 10}
	c := &Cataloger{Limits: lim}

	t.Run("declared too large", func(t *testing.T) {
		// 4 MiB of zeros deflate to 4 KiB.
		data := mkzip(t, pomEntry("a", "outer", "1"), entry{name: "lib/bomb.jar", data: zeros(4 << 20)})
		got, err := read(t, c, data, "x.jar")
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "larger than 1048576") {
			t.Errorf("error %v", err)
		}
		if len(got) != 1 || got[0].ArtifactID != "outer" {
			t.Errorf("lost the outer artifact: %+v", got)
		}
	})
	t.Run("declared size lies", func(t *testing.T) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		rawEntry(t, zw, "lib/liar.jar", zeros(4<<20), 1000)
		rawEntry(t, zw, "META-INF/maven/a/b/pom.properties", append([]byte("version=1\n"), zeros(4<<20)...), 100)
		zw.Close()
		got, err := read(t, c, buf.Bytes(), "x.jar")
		if err == nil || len(got) != 0 {
			t.Errorf("got %v, %v", got, err)
		}
		for _, want := range []string{"lib/liar.jar", "pom.properties"} {
			if !strings.Contains(fmt.Sprint(err), want) {
				t.Errorf("error %v does not name %s", err, want)
			}
		}
	})
	t.Run("many entries each under the limit", func(t *testing.T) {
		// Twenty 900 KiB entries: each passes, their sum does not.
		var es []entry
		for i := 0; i < 20; i++ {
			es = append(es, entry{name: fmt.Sprintf("lib/z%02d.jar", i), data: zeros(900 << 10)})
		}
		_, err := read(t, c, mkzip(t, es...), "x.jar")
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "more than 3145728 bytes inflated") {
			t.Errorf("error %v", err)
		}
		if n := strings.Count(err.Error(), "\n") + 1; n > 4 {
			t.Errorf("%d errors: the walk went on after the budget was spent:\n%v", n, err)
		}
	})
	t.Run("huge manifest", func(t *testing.T) {
		data := mkzip(t, entry{name: "META-INF/MANIFEST.MF", data: append([]byte("Implementation-Version: 1\n"), zeros(1<<20)...)}, entry{name: "A.class"})
		if _, err := read(t, c, data, "x-1.0.jar"); !errors.Is(err, ErrLimit) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("entry count", func(t *testing.T) {
		var es []entry
		for i := 0; i < 300; i++ {
			es = append(es, entry{name: fmt.Sprintf("p/C%d.class", i)})
		}
		_, err := read(t, &Cataloger{Limits: Limits{Entries: 100}}, mkzip(t, es...), "x.jar")
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "more than 100 zip entries") {
			t.Errorf("error %v", err)
		}
		_, err = read(t, &Cataloger{Limits: Limits{Directory: 4 << 10}}, mkzip(t, es...), "x.jar")
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "directory") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("bytes read", func(t *testing.T) {
		_, err := read(t, &Cataloger{Limits: Limits{Read: 10 << 10}}, nest(t, 3, true), "x.jar")
		if err != nil {
			t.Fatalf("small nest: %v", err)
		}
		var es []entry
		inner := mkzip(t, pomEntry("a", "b", "1"), entry{name: "pad", data: bytes.Repeat([]byte("x"), 8<<10), store: true})
		for i := 0; i < 20; i++ {
			es = append(es, entry{name: fmt.Sprintf("lib/%d.jar", i), data: inner, store: true})
		}
		_, err = read(t, &Cataloger{Limits: Limits{Read: 8 << 10}}, mkzip(t, es...), "x.jar")
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "bytes read") {
			t.Errorf("error %v", err)
		}
	})
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := nest(t, 3, false)
	if _, err := New().Read(ctx, bytes.NewReader(data), int64(len(data)), "x.jar"); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v", err)
	}
}

func TestProperties(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]string
	}{
		{"a=b\r\nc = d\n", map[string]string{"a": "b", "c": "d"}},
		{"# comment\n! also\n  key : value  \n", map[string]string{"key": "value  "}},
		{"k v w\n", map[string]string{"k": "v w"}},
		{"multi = one, \\\n    two\n", map[string]string{"multi": "one, two"}},
		{"even = x\\\\\nnext=1", map[string]string{"even": `x\`, "next": "1"}},
		{`key\ with\ spaces = \u00e9t\u00E9`, map[string]string{"key with spaces": "été"}},
		{"latin1=caf\xe9\n", map[string]string{"latin1": "café"}},
		{"tabs=a\\tb\\nc\\q", map[string]string{"tabs": "a\tb\ncq"}},
		{"empty\n=novalue\n", map[string]string{"empty": "", "": "novalue"}},
		{"end=x\\", map[string]string{"end": "x"}},
		{"a=b\rc=d", map[string]string{"a": "b", "c": "d"}},
	} {
		got, err := parseProperties([]byte(tc.in))
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%q (-want +got):\n%s", tc.in, d)
		}
	}
	for _, bad := range []string{`k=\u12`, `k=\uzzzz`, "k\\u00=1"} {
		if _, err := parseProperties([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestManifest(t *testing.T) {
	in := "Manifest-Version: 1.0\r\n" +
		"Bundle-SymbolicName: org.apache.commons.very.long.bundle.name.that.go\r\n" +
		" es.on\r\n" +
		"not a header\r\n" +
		"implementation-version: 2.0\r\n" +
		"Implementation-Version: 2.1\r\n" +
		"\r\n" +
		"Name: org/example/\r\n" +
		"Implementation-Title: per-entry\r\n"
	want := map[string]string{
		"manifest-version":       "1.0",
		"bundle-symbolicname":    "org.apache.commons.very.long.bundle.name.that.goes.on",
		"implementation-version": "2.1",
	}
	if d := cmp.Diff(want, parseManifest([]byte(in))); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestDescribesSelf(t *testing.T) {
	poms := []Artifact{{GroupID: "org.codehaus.plexus", ArtifactID: "plexus-interpolation", Version: "1.26"}}
	for _, tc := range []struct {
		self Artifact
		want bool
	}{
		{Artifact{ArtifactID: "plexus-interpolation", Version: "1.25", Evidence: EvidenceManifest}, true},
		{Artifact{ArtifactID: "interp", Version: "1.26.0", Evidence: EvidenceManifest}, true},
		{Artifact{ArtifactID: "org.apache.plexus-interpolation", Version: "9", Evidence: EvidenceManifest}, true},
		{Artifact{ArtifactID: "org.codehaus.plexus.interpolation", Version: "9", Evidence: EvidenceManifest}, true},
		{Artifact{ArtifactID: "renamed", Version: "9", Evidence: EvidenceFileName}, true},
		{Artifact{ArtifactID: "com.google.inject", Version: "4.2.3", Evidence: EvidenceManifest}, false},
		{Artifact{ArtifactID: "guice", Version: "4.2.3", Evidence: EvidenceManifestFileName}, false},
	} {
		if got := describesSelf(poms, tc.self); got != tc.want {
			t.Errorf("describesSelf(%+v) = %v", tc.self, got)
		}
	}
	if describesSelf(nil, Artifact{ArtifactID: "x", Version: "1", Evidence: EvidenceFileName}) {
		t.Error("no pom.properties describe nothing")
	}
}

func TestSplitFileName(t *testing.T) {
	for in, want := range map[string][2]string{
		"commons-lang3-3.12.0.jar":         {"commons-lang3", "3.12.0"},
		"guava-31.1-jre.jar":               {"guava", "31.1-jre"},
		"spring-core-5.3.20.RELEASE.jar":   {"spring-core", "5.3.20.RELEASE"},
		"netty-all-4.1.77.Final.jar":       {"netty-all", "4.1.77.Final"},
		"app.jar":                          {"app", ""},
		"-1.0.jar":                         {"-1.0", ""},
		"x":                                {"x", ""},
		"log4j-1.2-api-2.17.1.jar":         {"log4j", "1.2-api-2.17.1"}, // documented weakness
		"bcprov-jdk15on-1.70.jar":          {"bcprov-jdk15on", "1.70"},
		"jakarta.servlet-api-6.0.0.jar":    {"jakarta.servlet-api", "6.0.0"},
		"aopalliance-repackaged-2.6.1.jar": {"aopalliance-repackaged", "2.6.1"},
	} {
		a, v := splitFileName(in)
		if got := [2]string{a, v}; got != want {
			t.Errorf("splitFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
