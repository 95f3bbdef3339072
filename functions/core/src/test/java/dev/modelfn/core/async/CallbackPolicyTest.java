package dev.modelfn.core.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallbackPolicyTest {
  /** A resolver with fixed answers: no DNS traffic in tests. */
  static CallbackPolicy.Resolver names(Map<String, String> answers) {
    return host -> {
      String ip = answers.get(host);
      if (ip == null) {
        if (host.matches("[0-9a-fA-F:.]+")) {
          return new InetAddress[] {InetAddress.getByName(host)};
        }
        throw new UnknownHostException(host);
      }
      String[] all = ip.split(" ");
      InetAddress[] out = new InetAddress[all.length];
      for (int i = 0; i < all.length; i++) {
        out[i] = InetAddress.getByAddress(host, InetAddress.getByName(all[i]).getAddress());
      }
      return out;
    };
  }

  private final CallbackPolicy strict = new CallbackPolicy("", names(Map.of(
      "hooks.example.com", "93.184.216.34",
      "inside.example.com", "10.1.2.3",
      "mixed.example.com", "93.184.216.34 192.168.1.10")));

  @Test
  void acceptsHttpsToPublicAddress() throws Exception {
    CallbackPolicy.Target t = strict.check("https://hooks.example.com/jobs?x=1");
    assertThat(t.tls()).isTrue();
    assertThat(t.port()).isEqualTo(443);
    assertThat(t.addresses()).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");
  }

  @ParameterizedTest
  @CsvSource({
      "https://127.0.0.1/x, loopback",
      "https://[::1]/x, loopback",
      "https://10.0.0.8/x, private (RFC 1918)",
      "https://172.20.1.1/x, private (RFC 1918)",
      "https://192.168.0.1/x, private (RFC 1918)",
      "https://169.254.169.254/latest/meta-data, cloud metadata",
      "https://[fd00:ec2::254]/, cloud metadata",
      "https://169.254.10.10/, link-local",
      "https://[fe80::1]/, link-local",
      "https://[fc00::5]/, private (unique local)",
      "https://100.64.0.1/, carrier-grade NAT",
      "https://0.0.0.0/, unspecified",
      "https://224.0.0.1/, multicast",
      "https://[::ffff:127.0.0.1]/, loopback",
      "https://[64:ff9b::a00:1]/, private (RFC 1918) (in NAT64)",
      "https://[2002:7f00:1::]/, loopback (in 6to4)",
      "https://inside.example.com/hook, private (RFC 1918)",
      "https://mixed.example.com/hook, private (RFC 1918)",
  })
  void refusesNonPublicAddresses(String url, String why) {
    assertThatThrownBy(() -> strict.check(url)).isInstanceOf(CallbackPolicy.RefusedException.class)
        .hasMessageContaining("a " + why + " address");
  }

  @Test
  void refusesPlainHttpAndOtherSchemes() {
    assertThatThrownBy(() -> strict.check("http://hooks.example.com/x")).hasMessageContaining("must use https");
    assertThatThrownBy(() -> strict.check("ftp://hooks.example.com/x")).hasMessageContaining("scheme 'ftp'");
    assertThatThrownBy(() -> strict.check("hooks.example.com/x")).hasMessageContaining("scheme ''");
  }

  @Test
  void refusesCredentialsUnresolvableHostsAndBadUrls() {
    assertThatThrownBy(() -> strict.check("https://user:pw@hooks.example.com/")).hasMessageContaining("user info");
    assertThatThrownBy(() -> strict.check("https://nowhere.example.com/")).hasMessageContaining("does not resolve");
    assertThatThrownBy(() -> strict.check("https://exa mple.com/")).hasMessageContaining("not a valid URL");
  }

  @Test
  void allowListAdmitsLoopbackAlsoOverHttp() throws Exception {
    CallbackPolicy local = new CallbackPolicy("127.0.0.0/8, ::1/128", names(Map.of("localhost", "127.0.0.1")));
    assertThat(local.check("http://localhost:8123/cb").port()).isEqualTo(8123);
    assertThat(local.check("http://[::1]:9/cb").tls()).isFalse();
    assertThatThrownBy(() -> local.check("http://10.0.0.1/cb")).hasMessageContaining("private");
  }

  @Test
  void refusesMalformedAllowList() {
    assertThatThrownBy(() -> new CallbackPolicy("127.0.0.0/33", names(Map.of())))
        .hasMessageContaining("prefix length must be 0..32");
    assertThatThrownBy(() -> new CallbackPolicy("localhost", names(Map.of())))
        .hasMessageContaining("not an IP address or CIDR");
  }
}
