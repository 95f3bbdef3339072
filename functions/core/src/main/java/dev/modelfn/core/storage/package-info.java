/**
 * The blob store port: objects read and written by batch scoring and asynchronous jobs. Each
 * platform brings its implementation (S3 on AWS); the core's tests use an in-memory one.
 */
package dev.modelfn.core.storage;
