// An empty translation unit: the target that owns the shared precompiled headers
// (cmake/ParityTargets.cmake) needs one source to exist.
