/**
 * Structured JSON logs and CloudWatch Embedded Metric Format (EMF) metrics, both written as one
 * JSON line per event to standard output, which Lambda ships to CloudWatch Logs.
 */
package dev.modelfn.telemetry;
