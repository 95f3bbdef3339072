/** The {@code local-dev} command line: serve the project's functions on a laptop. */
package dev.modelfn.local;
