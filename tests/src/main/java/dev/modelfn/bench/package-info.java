/**
 * Benchmarks that print their figures and ratios against a baseline measured in the same run. Run
 * them with {@code ./mvnw -q -pl tests -am verify -DskipTests -Pbenchmarks} (see README).
 */
package dev.modelfn.bench;
