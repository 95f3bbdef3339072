/**
 * Platform-neutral HTTP request and response records, the HTTP-level errors (404 route, 405, 413,
 * 415) and RFC 9457 problem responses. Adapters translate their platform's events to and from
 * these records.
 */
package dev.modelfn.core.http;
