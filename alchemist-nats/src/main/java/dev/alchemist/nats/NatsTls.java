package dev.alchemist.nats;

import dev.alchemist.core.Checks;
import dev.alchemist.nats.internal.HostNameCheckingSslContext;
import io.nats.client.Options;
import javax.net.ssl.SSLContext;

/**
 * TLS for the NATS connection. jnats checks that the server's certificate chains to a CA the {@link
 * SSLContext} trusts, but not that it was issued for the host connected to; {@link
 * #checkingHostName(SSLContext)} adds that check, so a certificate a trusted CA issued for another
 * host is refused.
 *
 * <pre>{@code
 * Options.Builder options = new Options.Builder()
 *     .server("nats://nats.internal:4222")
 *     .userInfo(user, password);
 * NatsTls.configure(options, mySslContext);   // trust store, and the client key for mutual TLS
 * NatsEvents events = NatsEvents.builder().options(options.build()).build();
 * }</pre>
 *
 * <p>See docs/security.md for the whole setup, including client certificates and NKeys.
 */
public final class NatsTls {
  private NatsTls() {}

  /**
   * Sets TLS on {@code options}: {@code context} with the host-name check of {@link
   * #checkingHostName(SSLContext)}, and {@code hostnameResolveMode(HappyEyeballs)}. By default
   * jnats resolves a server's host name before connecting and hands the socket factory the IP
   * address as the host, so the certificate would be checked against the address instead of the
   * name in the URL; happy-eyeballs resolves while connecting and keeps the name. ({@code
   * Unresolved} would keep it too, but jnats then connects to an unresolved address, which fails.)
   *
   * @return {@code options}, for chaining
   */
  public static Options.Builder configure(Options.Builder options, SSLContext context) {
    Checks.notNull("options", options);
    return options
        .sslContext(checkingHostName(context))
        .hostnameResolveMode(Options.HostnameResolveMode.HappyEyeballs);
  }

  /**
   * {@code context} (initialized, with the trust store and, for mutual TLS, the client key) with
   * the HTTPS host-name check added to every client connection it opens: the host of the server URL
   * must be a subjectAltName (DNS name or IP address) of the server's certificate.
   */
  public static SSLContext checkingHostName(SSLContext context) {
    Checks.notNull("context", context);
    return context instanceof HostNameCheckingSslContext
        ? context
        : new HostNameCheckingSslContext(context);
  }
}
