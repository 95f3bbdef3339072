package dev.modelfn.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackVerifierTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final byte[] BODY = "{\"job_id\":\"x\",\"status\":\"succeeded\"}".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

  private final CallbackSigner signer = new CallbackSigner(SECRET);
  private final CallbackVerifier verifier = new CallbackVerifier(List.of(SECRET), Duration.ofMinutes(5));

  @Test
  void acceptsWhatTheSignerSigned() throws Exception {
    String header = signer.sign(NOW.getEpochSecond(), BODY);
    assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
    assertThat(verifier.verify(header, BODY, NOW.plusSeconds(3))).isEqualTo(NOW);
  }

  @Test
  void signsTimestampDotBodyAsDocumented() throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal((NOW.getEpochSecond() + "." + new String(BODY, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8));
    assertThat(signer.sign(NOW.getEpochSecond(), BODY))
        .endsWith("v1=" + java.util.HexFormat.of().formatHex(expected));
  }

  @Test
  void refusesChangedBody() {
    String header = signer.sign(NOW.getEpochSecond(), BODY);
    byte[] changed = BODY.clone();
    changed[5] ^= 1;
    assertThatThrownBy(() -> verifier.verify(header, changed, NOW))
        .hasMessageContaining("no signature matches");
  }

  @Test
  void refusesDeliveryOutsideReplayWindow() {
    String header = signer.sign(NOW.getEpochSecond(), BODY);
    assertThatThrownBy(() -> verifier.verify(header, BODY, NOW.plusSeconds(301)))
        .hasMessageContaining("replay window is 300 s");
    assertThatThrownBy(() -> verifier.verify(header, BODY, NOW.minusSeconds(301)))
        .hasMessageContaining("replay window");
  }

  @Test
  void refusesChangedTimestamp() {
    String header = signer.sign(NOW.getEpochSecond(), BODY).replace("t=" + NOW.getEpochSecond(),
        "t=" + (NOW.getEpochSecond() + 1));
    assertThatThrownBy(() -> verifier.verify(header, BODY, NOW)).hasMessageContaining("no signature matches");
  }

  @Test
  void namesWhatIsWrongWithMalformedHeaders() {
    assertThatThrownBy(() -> verifier.verify(null, BODY, NOW)).hasMessageContaining("no Modelfn-Signature header");
    assertThatThrownBy(() -> verifier.verify("v1=00", BODY, NOW)).hasMessageContaining("no timestamp");
    assertThatThrownBy(() -> verifier.verify("t=1", BODY, NOW)).hasMessageContaining("no v1 signature");
    assertThatThrownBy(() -> verifier.verify("t=abc,v1=00", BODY, NOW)).hasMessageContaining("not a number");
    assertThatThrownBy(() -> verifier.verify("t=1,v1=zz", BODY, NOW)).hasMessageContaining("not hex");
    assertThatThrownBy(() -> verifier.verify("garbage", BODY, NOW)).hasMessageContaining("malformed");
  }

  @Test
  void acceptsEitherSecretDuringRotation() throws Exception {
    String next = "fedcba9876543210fedcba9876543210";
    CallbackVerifier rotating = new CallbackVerifier(List.of(next, SECRET), Duration.ofMinutes(5));
    assertThat(rotating.verify(signer.sign(NOW.getEpochSecond(), BODY), BODY, NOW)).isEqualTo(NOW);
    assertThat(rotating.verify(new CallbackSigner(next).sign(NOW.getEpochSecond(), BODY), BODY, NOW)).isEqualTo(NOW);
    assertThatThrownBy(() -> verifier.verify(new CallbackSigner(next).sign(NOW.getEpochSecond(), BODY), BODY, NOW))
        .isInstanceOf(CallbackVerifier.InvalidSignatureException.class);
  }

  @Test
  void refusesShortSecrets() {
    assertThatThrownBy(() -> new CallbackSigner("short")).hasMessageContaining("at least 16");
    assertThatThrownBy(() -> new CallbackVerifier(List.of(), Duration.ofMinutes(1)))
        .hasMessageContaining("at least one secret");
  }
}
