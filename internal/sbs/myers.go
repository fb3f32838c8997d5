package sbs

// maxD bounds the alignment work on hopelessly different sides of a
// patch (myers.Diff): beyond it the rest is shown as a replacement, which
// is what a reader sees anyway.
const maxD = 1000
