/** The {@code modelfn-edge} command line (picocli). */
package dev.modelfn.edge.cli;
