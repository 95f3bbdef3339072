/**
 * Configuration read from a {@code Map<String,String>}: {@code System.getenv()} in production,
 * {@code Map.of(...)} in tests. {@link dev.modelfn.config.EnvVars} names every variable; the
 * deployment templates set exactly those names.
 */
package dev.modelfn.config;
