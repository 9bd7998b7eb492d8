package rust

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParseLock(f *testing.F) {
	for _, v := range []string{"v1", "v1-root", "v2", "v3", "v4"} {
		b, err := os.ReadFile(filepath.Join("testdata", v, "app", "Cargo.lock"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("version = 4\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = 1\n"))
	f.Add([]byte("[root]\nname = \"x\"\nversion = \"0.1.0\"\n[metadata]\n\"checksum x\" = \"y\"\n"))
	f.Add([]byte("package = [{name = \"a\", version = \"1.0.0\", source = \"registry+x\"}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, _ := lockOf(data, "Cargo.lock")
		for _, p := range pkgs {
			if !validName(p.Name) || !validVersion(p.Version) {
				t.Errorf("invalid package %+v", p)
			}
		}
	})
}

func FuzzParseAuditJSON(f *testing.F) {
	f.Add([]byte(auditJSON))
	f.Add([]byte(`{"format":8,"packages":[{"name":"a","version":"1.0.0","source":{"Other":"x"},"kind":"build","root":true}]}`))
	f.Add([]byte(`{"packages":[null,7,"x",{"source":["local"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, _ := parseAuditJSON(data, "x")
		for _, p := range pkgs {
			if !validName(p.Name) || !validVersion(p.Version) {
				t.Errorf("invalid package %+v", p)
			}
		}
	})
}

func FuzzReadBinary(f *testing.F) {
	section := compress(f, auditJSON)
	f.Add(machO("__DATA", ".dep-v0", section))
	f.Add(fat(machO("__DATA", ".dep-v0", section)))
	f.Add(append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...))
	f.Add(append([]byte("MZ"), make([]byte, 128)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadBinary(context.Background(), bytes.NewReader(data), int64(len(data)), "x")
	})
}
