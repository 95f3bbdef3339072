package dev.modelfn.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The two Jacksons on this module's class path: Jackson 2 at the parent's version (the core's
 * codecs; Spring Boot's BOM would bring another), Jackson 3 at Spring Boot's, and the 2.x
 * annotations at the version Jackson 3 reads (at least its minor).
 */
class JacksonVersionsTest {

  @Test
  void jackson2IsTheParentsAndJackson3HasTheAnnotationsItReads() {
    String parent = System.getProperty("modelfn.jackson2.version");
    assertThat(parent).as("set by the build (surefire)").isNotBlank();
    assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString()).isEqualTo(parent);
    assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString()).isEqualTo(parent);

    var jackson3 = tools.jackson.databind.cfg.PackageVersion.VERSION;
    assertThat(jackson3.getMajorVersion()).isEqualTo(3);
    var annotations = com.fasterxml.jackson.annotation.JsonProperty.class.getPackage().getImplementationVersion();
    // Jackson 3.x reads the annotations of 2.(x+20): 3.1 reads 2.21
    assertThat(annotations).as("jackson-annotations version").isNotNull();
    String[] a = annotations.split("\\.");
    assertThat(Integer.parseInt(a[0])).isEqualTo(2);
    assertThat(Integer.parseInt(a[1])).isGreaterThanOrEqualTo(20 + jackson3.getMinorVersion());
  }
}
