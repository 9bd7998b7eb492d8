// Package layerfs reads image layers safely and merges them.
//
// # Data flow
//
// [Walk] streams one layer's tar once. Each entry's name is checked and
// cleaned (no absolute names, no "..", no escaping links: a hostile layer is
// an [ErrUnsafeEntry], not a best effort), whiteouts and opaque-directory
// markers are recognised, and regular files are offered to the caller as a
// positioned [catalog.File]. When the layer is an uncompressed tar inside a
// seekable file, file contents the caller does not read are skipped with a
// seek, and random access to a file is a section of the underlying file:
// nothing is copied. When the layer is a compressed stream it is decompressed
// once, with a ratio limit against decompression bombs.
//
// A walk leaves an [Index]: the layer's paths, whiteouts, opaque directories
// and links, enough to decide later which paths of lower layers this layer
// hides. [Merge] stacks the indexes of an image's layers in order and answers
// which layer's version of a path is visible, which layer introduced it, and
// what a path resolves to when symlinks are followed inside the image root.
package layerfs
