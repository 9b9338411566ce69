package dev.alchemist.testing;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a TCP service listens: the URI scheme its clients use, a host and a port, for example
 * {@code redis://127.0.0.1:6379} or {@code nats://127.0.0.1:4222}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} is the {@link #uri()}.
 *
 * @param scheme URI scheme, lowercase, such as {@code redis} or {@code nats}
 * @param host host name or IP literal, IPv6 without brackets
 * @param port TCP port, 1 to 65535
 */
public record ServiceAddress(String scheme, String host, int port) {

  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");

  /** Validates the parts; messages name the part and the value. */
  public ServiceAddress {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(host, "host");
    if (!SCHEME.matcher(scheme).matches()) {
      throw new IllegalArgumentException(
          "scheme must be a lowercase URI scheme like redis but was '" + scheme + "'");
    }
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535 but was " + port);
    }
  }

  /** The address as a client URI, such as {@code redis://127.0.0.1:6379}. */
  public String uri() {
    return scheme + "://" + hostAndPort();
  }

  /** {@code host:port}, with brackets around an IPv6 host. */
  public String hostAndPort() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** Returns {@link #uri()}. */
  @Override
  public String toString() {
    return uri();
  }

  /**
   * Parses {@code scheme://host[:port][/]}.
   *
   * @param source where the value came from, such as {@code ALCHEMIST_REDIS_URI}, for messages
   * @throws IllegalArgumentException if the value has another scheme, credentials, a path or a
   *     query, or no host
   */
  static ServiceAddress parse(String scheme, int defaultPort, String value, String source) {
    String expected = source + " must look like " + scheme + "://host:port but was '" + value + "'";
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(expected, e);
    }
    String path = uri.getRawPath();
    if (!scheme.equals(uri.getScheme())
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || !(path == null || path.isEmpty() || path.equals("/"))) {
      throw new IllegalArgumentException(expected);
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new ServiceAddress(scheme, host, uri.getPort() == -1 ? defaultPort : uri.getPort());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(expected + ": " + e.getMessage(), e);
    }
  }
}
