//go:build !unix

package regular

// Elsewhere there are no FIFOs to block on open.
const nonblock = 0
