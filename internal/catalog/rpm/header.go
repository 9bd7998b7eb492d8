package rpm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// An rpm header as the database stores it (rpm's headerExport; lib/header.c
// and the "RPM file format" documentation): a big-endian count of index
// entries il and a data length dl, il entries of {tag, type, offset, count}
// (16 bytes each), then dl bytes of data that the offsets point into. The
// first entry is usually a region tag describing the immutable part; it is
// skipped like any tag not needed here.

const (
	tagName      = 1000
	tagVersion   = 1001
	tagRelease   = 1002
	tagEpoch     = 1003
	tagLicense   = 1014
	tagArch      = 1022
	tagSourceRPM = 1044
	// tagModularityLabel is RPMTAG_MODULARITYLABEL: "name:stream:version:context"
	// of the module stream a package was built in (RHEL 8 and later).
	tagModularityLabel = 5096

	typeInt32       = 4
	typeString      = 6
	typeStringArray = 8
	typeI18NString  = 9

	// rpm's own limits (HEADER_TAGS_MAX, HEADER_DATA_MAX in lib/header.c).
	maxEntries = 0xffff
	maxData    = 0x0fffffff
	// maxBlob bounds one header; real ones are KiB to a few MiB.
	maxBlob = 64 << 20
)

var errHeader = errors.New("malformed rpm header")

// header holds the tags the inventory uses.
type header struct {
	name, version, release, arch, sourceRPM, license string
	modularityLabel                                  string
	epoch                                            int64 // -1 when absent
}

// parseHeader reads the tags of one header blob. Every count and offset is
// checked against the blob's own length.
func parseHeader(blob []byte) (*header, error) {
	if len(blob) < 8 {
		return nil, fmt.Errorf("%w: %d bytes", errHeader, len(blob))
	}
	il := binary.BigEndian.Uint32(blob)
	dl := binary.BigEndian.Uint32(blob[4:])
	if il == 0 || il > maxEntries || dl > maxData {
		return nil, fmt.Errorf("%w: %d entries, %d data bytes", errHeader, il, dl)
	}
	indexEnd := 8 + 16*uint64(il)
	if indexEnd+uint64(dl) > uint64(len(blob)) {
		return nil, fmt.Errorf("%w: %d entries and %d data bytes do not fit in %d", errHeader, il, dl, len(blob))
	}
	index, data := blob[8:indexEnd], blob[indexEnd:indexEnd+uint64(dl)]

	h := &header{epoch: -1}
	seen := map[uint32]bool{}
	for i := 0; i < int(il); i++ {
		e := index[16*i:]
		tag := binary.BigEndian.Uint32(e)
		typ := binary.BigEndian.Uint32(e[4:])
		off := binary.BigEndian.Uint32(e[8:])
		count := binary.BigEndian.Uint32(e[12:])
		var dst *string
		switch tag {
		case tagName:
			dst = &h.name
		case tagVersion:
			dst = &h.version
		case tagRelease:
			dst = &h.release
		case tagArch:
			dst = &h.arch
		case tagSourceRPM:
			dst = &h.sourceRPM
		case tagLicense:
			dst = &h.license
		case tagModularityLabel:
			dst = &h.modularityLabel
		case tagEpoch:
		default:
			continue
		}
		// Tags appended after the immutable region may repeat one; keep
		// the first, which the package was built with.
		if seen[tag] {
			continue
		}
		seen[tag] = true
		if off >= uint32(len(data)) || count == 0 {
			return nil, fmt.Errorf("%w: tag %d at offset %d outside %d data bytes", errHeader, tag, off, len(data))
		}
		if tag == tagEpoch {
			if typ != typeInt32 || uint64(off)+4 > uint64(len(data)) {
				return nil, fmt.Errorf("%w: epoch of type %d", errHeader, typ)
			}
			h.epoch = int64(binary.BigEndian.Uint32(data[off:]))
			continue
		}
		if typ != typeString && typ != typeI18NString && typ != typeStringArray {
			return nil, fmt.Errorf("%w: tag %d has type %d, want a string", errHeader, tag, typ)
		}
		// For arrays and translated strings the first string is the value
		// (the untranslated "C" one).
		s := data[off:]
		end := bytes.IndexByte(s, 0)
		if end < 0 {
			return nil, fmt.Errorf("%w: tag %d: unterminated string", errHeader, tag)
		}
		*dst = string(s[:end])
	}
	if h.name == "" || h.version == "" {
		return nil, fmt.Errorf("%w: no name or version", errHeader)
	}
	return h, nil
}

// evr renders "[epoch:]version-release", the form rpm compares.
func (h *header) evr() string {
	v := h.version
	if h.release != "" {
		v += "-" + h.release
	}
	if h.epoch >= 0 {
		v = strconv.FormatInt(h.epoch, 10) + ":" + v
	}
	return v
}

// splitSourceRPM turns "bash-5.1.8-6.el9.src.rpm" into "bash" and
// "5.1.8-6.el9": name, version and release are separated by the last two
// dashes, since names contain dashes and versions and releases cannot.
func splitSourceRPM(s string) (name, version string, ok bool) {
	base, found := strings.CutSuffix(s, ".src.rpm")
	if !found {
		if base, found = strings.CutSuffix(s, ".nosrc.rpm"); !found {
			return "", "", false
		}
	}
	r := strings.LastIndexByte(base, '-')
	if r <= 0 {
		return "", "", false
	}
	v := strings.LastIndexByte(base[:r], '-')
	if v <= 0 {
		return "", "", false
	}
	return base[:v], base[v+1:], true
}
