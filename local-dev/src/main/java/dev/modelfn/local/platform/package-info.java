/**
 * {@code local-dev/up --platform spring|gcp}: the model served at the local HTTP port by another
 * adapter's deployable, run as its platform runs it.
 */
package dev.modelfn.local.platform;
