/**
 * The web application's request mapping: servlet requests to the core HTTP function, and the
 * model's health for the container platform's probes.
 */
package dev.modelfn.spring.web;
