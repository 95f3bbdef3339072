/**
 * The modelfn error hierarchy. Each type names the HTTP status it maps to and whether a retry helps,
 * so every adapter (Lambda, Spring, Cloud Functions, local) maps errors the same way.
 */
package dev.modelfn.errors;
