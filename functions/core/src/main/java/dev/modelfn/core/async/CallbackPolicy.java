package dev.modelfn.core.async;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which callback URLs may be called. A URL must be {@code https}, carry no user info, and every
 * address its host resolves to must be public: loopback, private (RFC 1918, fc00::/7), link-local
 * (which holds the cloud metadata endpoints 169.254.169.254 and fd00:ec2::254), carrier-grade NAT,
 * multicast, unspecified and reserved ranges are refused, also when embedded in IPv6 (NAT64, 6to4).
 * Addresses inside an allow-listed CIDR are accepted, over {@code http} as well (the local cloud
 * allow-lists loopback so that a receiver on the laptop can be called).
 *
 * <p>The check runs at submit and again at send time, after DNS resolution, and the connection goes
 * to the address that was checked, so a name that later resolves elsewhere cannot redirect it.
 */
public final class CallbackPolicy {
  /** Resolves a host name to its addresses ({@link InetAddress#getAllByName} in production). */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** A URL refused, with the reason. */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RefusedException(String message) {
      super(message);
    }
  }

  /** A URL accepted: its parts and the checked addresses to connect to. */
  public record Target(URI uri, String host, int port, boolean tls, List<InetAddress> addresses) {}

  private record Cidr(byte[] network, int bits) {
    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (b[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (b[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Cidr> allowed;
  private final Resolver resolver;

  /**
   * @param allowCidrs comma-separated CIDRs (or single addresses) to accept although not public,
   *     e.g. {@code 127.0.0.0/8,::1/128}; empty for none
   */
  public CallbackPolicy(String allowCidrs, Resolver resolver) {
    this.allowed = parse(allowCidrs == null ? "" : allowCidrs);
    this.resolver = resolver;
  }

  public static CallbackPolicy strict() {
    return new CallbackPolicy("", InetAddress::getAllByName);
  }

  private static List<Cidr> parse(String spec) {
    List<Cidr> out = new ArrayList<>();
    for (String raw : spec.split(",")) {
      String s = raw.trim();
      if (s.isEmpty()) {
        continue;
      }
      int slash = s.indexOf('/');
      String ip = slash < 0 ? s : s.substring(0, slash);
      if (!ip.matches("[0-9a-fA-F:.]+")) {
        throw new IllegalArgumentException("callback allow-list entry '" + s + "' is not an IP address or CIDR");
      }
      byte[] net;
      try {
        net = InetAddress.getByName(ip).getAddress(); // a literal: no DNS lookup
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("callback allow-list entry '" + s + "' is not an IP address or CIDR");
      }
      int bits = net.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > net.length * 8) {
          throw new IllegalArgumentException("callback allow-list entry '" + s + "': prefix length must be 0.."
              + net.length * 8);
        }
      }
      out.add(new Cidr(net, bits));
    }
    return List.copyOf(out);
  }

  /** Checks a URL's form, resolves its host and checks every address. */
  public Target check(String url) throws RefusedException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new RefusedException("callback_url '" + url + "' is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new RefusedException("callback_url must be an https URL, got scheme '" + scheme + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw new RefusedException("callback_url must not carry user info (credentials in the URL)");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new RefusedException("callback_url '" + url + "' has no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    boolean tls = scheme.equals("https");
    int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new RefusedException("callback_url host '" + host + "' does not resolve");
    }
    if (addresses.length == 0) {
      throw new RefusedException("callback_url host '" + host + "' does not resolve");
    }
    boolean allAllowListed = true;
    for (InetAddress a : addresses) {
      boolean listed = allowListed(a);
      allAllowListed &= listed;
      String why = listed ? null : forbidden(a);
      if (why != null) {
        throw new RefusedException("callback_url host '" + host + "' resolves to " + a.getHostAddress() + ", a " + why
            + " address; callbacks go only to public addresses (allow-list with MODELFN_CALLBACK_ALLOW_CIDRS)");
      }
    }
    if (!tls && !allAllowListed) {
      throw new RefusedException("callback_url must use https; plain http is accepted only for allow-listed addresses");
    }
    return new Target(uri, host, port, tls, List.of(addresses));
  }

  private boolean allowListed(InetAddress a) {
    for (Cidr c : allowed) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /** Why an address may not be called, or null when it is public. */
  static String forbidden(InetAddress a) {
    if (a.isAnyLocalAddress()) {
      return "unspecified";
    }
    if (a.isLoopbackAddress()) {
      return "loopback";
    }
    if (a.isLinkLocalAddress()) {
      return a.getHostAddress().equals("169.254.169.254") ? "cloud metadata" : "link-local";
    }
    if (a.isMulticastAddress()) {
      return "multicast";
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return forbidden4(b, 0);
    }
    if (a instanceof Inet6Address) {
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) {
        return (b[0] & 0xff) == 0xfd && (b[1] & 0xff) == 0x00 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
            ? "cloud metadata" : "private (unique local)";
      }
      if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {
        return "site-local";
      }
      boolean zero96 = true;
      for (int i = 0; i < 12; i++) {
        zero96 &= b[i] == 0;
      }
      if (zero96) {
        return "IPv4-compatible";
      }
      // NAT64 64:ff9b::/96 and 6to4 2002::/16 carry an IPv4 address: judge that one.
      if (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
        String v4 = forbidden4(b, 12);
        return v4 == null ? null : v4 + " (in NAT64)";
      }
      if (b[0] == 0x20 && b[1] == 0x02) {
        String v4 = forbidden4(b, 2);
        return v4 == null ? null : v4 + " (in 6to4)";
      }
      if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
        return "documentation";
      }
      return null;
    }
    return "unknown";
  }

  private static String forbidden4(byte[] b, int at) {
    int a0 = b[at] & 0xff;
    int a1 = b[at + 1] & 0xff;
    int a2 = b[at + 2] & 0xff;
    if (a0 == 0) {
      return "unspecified (0.0.0.0/8)";
    }
    if (a0 == 127) {
      return "loopback";
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return "private (RFC 1918)";
    }
    if (a0 == 169 && a1 == 254) {
      return a2 == 169 && (b[at + 3] & 0xff) == 254 ? "cloud metadata" : "link-local";
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return "carrier-grade NAT";
    }
    if (a0 == 192 && a1 == 0 && a2 == 0) {
      return "IETF protocol assignment";
    }
    if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0
        && a2 == 113)) {
      return "documentation";
    }
    if (a0 == 198 && (a1 & 0xfe) == 18) {
      return "benchmarking";
    }
    if (a0 >= 224) {
      return a0 < 240 ? "multicast" : "reserved";
    }
    return null;
  }
}
