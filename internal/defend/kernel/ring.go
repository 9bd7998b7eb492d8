package kernel

import (
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// ring is the consumer side of the BPF ring buffer, mapped into this
// process. cilium/ebpf's ringbuf.Reader does the same but asks epoll
// before every drain (an epoll_wait per batch, twice); a system call there
// also wakes the Go runtime's monitor thread, which then polls for a
// while. Reading positions straight from the shared pages costs none,
// and the agent waits for records in Go's own poller instead
// ([Sensor.Run]). The layout is the kernel's (kernel/bpf/ringbuf.c): a
// consumer page (read-write), a producer page, then the data pages, which
// the kernel offers mapped twice in a row so that a record that wraps
// reads as one slice. Only the first copy is mapped here: each mapping
// counts in the agent's RSS (8 MiB more for the default ring), and the
// rare record that wraps is copied out in two pieces instead.
type ring struct {
	cons, prod []byte
	consPos    *uint64 // in cons; written by us
	prodPos    *uint64 // in prod; written by the kernel
	data       []byte  // size bytes
	mask       uint64
	wrapped    []byte // a wrapping record, put back together
}

// Record header bits (struct bpf_ringbuf_hdr's len).
const (
	ringBusy    = 1 << 31
	ringDiscard = 1 << 30
	ringHdr     = 8
)

func openRing(m *ebpf.Map) (*ring, error) {
	size := int(m.MaxEntries())
	page := os.Getpagesize()
	cons, err := unix.Mmap(m.FD(), 0, page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("kernel: mapping the ring buffer's consumer page: %w", err)
	}
	prod, err := unix.Mmap(m.FD(), int64(page), page+size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		unix.Munmap(cons)
		return nil, fmt.Errorf("kernel: mapping the ring buffer's data: %w", err)
	}
	return &ring{
		cons: cons, prod: prod,
		consPos: (*uint64)(unsafe.Pointer(&cons[0])),
		prodPos: (*uint64)(unsafe.Pointer(&prod[0])),
		data:    prod[page:],
		mask:    uint64(size - 1),
	}, nil
}

func (r *ring) close() error {
	if r == nil || r.cons == nil {
		return nil
	}
	err1 := unix.Munmap(r.prod)
	err2 := unix.Munmap(r.cons)
	r.cons, r.prod = nil, nil
	if err1 != nil {
		return err1
	}
	return err2
}

// size is the ring's data size in bytes.
func (r *ring) size() int { return int(r.mask + 1) }

// pending is the number of bytes not consumed yet (records being written
// included).
func (r *ring) pending() int {
	return int(atomic.LoadUint64(r.prodPos) - atomic.LoadUint64(r.consPos))
}

// ready reports whether a committed record waits at the consumer position.
func (r *ring) ready() bool {
	cons := atomic.LoadUint64(r.consPos)
	if atomic.LoadUint64(r.prodPos) == cons {
		return false
	}
	return atomic.LoadUint32((*uint32)(unsafe.Pointer(&r.data[cons&r.mask])))&ringBusy == 0
}

// next calls f with each committed record in order, the sample's bytes
// valid only during the call, until the ring is empty or a record is
// still being written, and returns how many it passed.
func (r *ring) next(f func(sample []byte)) int {
	n := 0
	cons := atomic.LoadUint64(r.consPos)
	for {
		prod := atomic.LoadUint64(r.prodPos)
		if prod-cons < ringHdr {
			return n
		}
		// The header's len is loaded atomically: it orders the read of the
		// data after the kernel's commit (an xchg on len).
		hdr := atomic.LoadUint32((*uint32)(unsafe.Pointer(&r.data[cons&r.mask])))
		if hdr&ringBusy != 0 {
			return n
		}
		ln := uint64(hdr &^ (ringBusy | ringDiscard))
		start := (cons + ringHdr) & r.mask
		next := cons + ringHdr + (ln+7)&^7
		if next-cons > r.mask+1 || prod-cons < next-cons {
			// Not a record the kernel could have written: give the space
			// back rather than read past the data.
			atomic.StoreUint64(r.consPos, prod)
			return n
		}
		if hdr&ringDiscard == 0 {
			if end := start + ln; end <= r.mask+1 {
				f(r.data[start:end])
			} else {
				r.wrapped = append(append(r.wrapped[:0], r.data[start:]...), r.data[:end-(r.mask+1)]...)
				f(r.wrapped)
			}
			n++
		}
		cons = next
		atomic.StoreUint64(r.consPos, cons)
	}
}
