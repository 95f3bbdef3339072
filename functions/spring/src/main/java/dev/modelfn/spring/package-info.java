/**
 * The Spring adapter: the functions of {@code functions/core} as Spring Cloud Function beans (on AWS
 * Lambda through Spring Cloud Function's {@code FunctionInvoker}, package {@code lambda}) and as a
 * Spring Boot web application serving the HTTP surface ({@link dev.modelfn.spring.ModelfnApplication},
 * package {@code web}). Event mapping and this platform's ports, nothing else: see docs/spring.md.
 */
package dev.modelfn.spring;
