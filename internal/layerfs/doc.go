// Package layerfs reads image layers safely and merges them.
//
// # Data flow
//
// [Walk] streams one layer's tar once. Each entry's name is checked and
// cleaned (no absolute names, no "..", no escaping links: a hostile layer is
// an [ErrUnsafeEntry], not a best effort), whiteouts and opaque-directory
// markers are recognised, and regular files are offered to the caller as a
// positioned [File] (the method set catalogers consume). When the layer is an uncompressed tar inside a
// seekable file, file contents the caller does not read are skipped with a
// seek, and random access to a file is a section of the underlying file:
// nothing is copied. When the layer is a compressed stream it is decompressed
// once, with a ratio limit against decompression bombs. With
// [Options.Verify] the digest of the uncompressed stream (the diff ID) is
// computed in the same pass, by a second reader alongside when the walk
// itself skips bodies.
//
// Every walk of a scan charges one [budget.Budget]: bytes decompressed (and
// read from sparse entries, whose holes archive/tar expands), entries, the
// symlinks kept, bytes in spill files. Over a budget, the walk stops with an
// error wrapping [budget.ErrExceeded]; when the context ends, at the next
// read.
//
// A walk leaves an [Index]: 16-byte [Key]s of the layer's paths, whiteouts
// and opaque directories, and its symlinks, enough to decide later which
// paths of lower layers this layer hides, at a cost per entry that does not
// depend on the names' length. [Merge] stacks the indexes of an image's
// layers in order and answers which layer's version of a path is visible
// (or which layer hid it), which layer introduced it, and what a path
// resolves to when symlinks are followed inside the image root.
package layerfs
