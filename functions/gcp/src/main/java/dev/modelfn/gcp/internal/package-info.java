/** Not API: the Functions Framework's HTTP types to and from the core's, CloudEvent payloads, and the request's trace. */
package dev.modelfn.gcp.internal;
