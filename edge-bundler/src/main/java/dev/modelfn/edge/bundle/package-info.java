/** Signing keys and the bundler: model, manifest and detached Ed25519 signature in one file. */
package dev.modelfn.edge.bundle;
