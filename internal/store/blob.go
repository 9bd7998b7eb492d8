package store

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// MaxReport bounds a stored report once unpacked, so a corrupt or hostile
// blob cannot exhaust memory.
const MaxReport = 512 << 20

var (
	encOnce sync.Once
	enc     *zstd.Encoder
	dec     *zstd.Decoder
)

func codecs() {
	// Neither constructor fails with these options.
	enc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	dec, _ = zstd.NewReader(nil, zstd.WithDecoderMaxMemory(MaxReport), zstd.WithDecoderConcurrency(0))
}

// Pack compresses a report for storage. JSON reports shrink about tenfold,
// which keeps both the bbolt file and PostgreSQL's TOAST small.
func Pack(b []byte) []byte {
	encOnce.Do(codecs)
	return enc.EncodeAll(b, make([]byte, 0, len(b)/8))
}

// Unpack reverses Pack.
func Unpack(b []byte) ([]byte, error) {
	encOnce.Do(codecs)
	out, err := dec.DecodeAll(b, nil)
	if err != nil {
		return nil, fmt.Errorf("store: unpacking report: %w", err)
	}
	return out, nil
}
