/**
 * The composition root ({@link dev.modelfn.core.platform.Functions}) and the ports a platform
 * implements ({@link dev.modelfn.core.platform.Platform}). See docs/architecture.md, "Adding a
 * platform".
 */
package dev.modelfn.core.platform;
