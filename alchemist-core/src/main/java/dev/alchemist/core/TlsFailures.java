package dev.alchemist.core;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Says in words why a TLS connection failed, for the error messages of every module: the JDK's own
 * messages ("PKIX path building failed: ...SunCertPathBuilderException...") do not tell a user
 * which setting to change.
 *
 * <p>The reasons are fixed texts chosen by looking at the exception types and the TLS alert names
 * in the cause chain; nothing of the chain's messages is copied, so no secret a library put there
 * can leak through a reason.
 */
public final class TlsFailures {
  private static final int MAX_SEEN = 64;

  private TlsFailures() {}

  /**
   * Why {@code failure} (or a cause or suppressed exception of it, as Lettuce attaches the failure
   * of each cluster node) is a TLS failure, or null if nothing there is about TLS.
   */
  public static @Nullable String reason(@Nullable Throwable failure) {
    List<Throwable> all = new ArrayList<>();
    collect(failure, all);
    boolean tls = false;
    for (Throwable t : all) {
      String specific = specificReason(t);
      if (specific != null) {
        return specific;
      }
      tls |= t instanceof SSLException;
    }
    return tls ? "TLS handshake failed" : null;
  }

  private static @Nullable String specificReason(Throwable t) {
    String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
    if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
      return "TLS: the server's certificate is expired or not yet valid";
    }
    if (t instanceof CertPathBuilderException
        || t instanceof CertPathValidatorException
        || message.contains("pkix path")) {
      return "TLS: the server's certificate is not issued by a trusted CA"
          + " (give the CA that issued it in the TLS settings)";
    }
    if (message.contains("no subject alternative")
        || message.contains("no name matching")
        || message.contains("could not be verified by hostnameverifier")) { // pgjdbc's
      return "TLS: the server's certificate is not for this host name"
          + " (connect by a name or IP address the certificate lists)";
    }
    if (message.contains("certificate_required")
        || message.contains("bad_certificate")
        || message.contains("unknown_ca")
        || message.contains("certificate_unknown")) {
      return "TLS: the server refused the client certificate, or none was given"
          + " (it requires one issued by a CA it trusts)";
    }
    if (message.contains("unrecognized ssl message") || message.contains("plaintext")) {
      return "TLS: the server does not speak TLS on this port";
    }
    return null;
  }

  /** Causes first, then suppressed exceptions, each once, at most {@link #MAX_SEEN} of them. */
  private static void collect(@Nullable Throwable t, List<Throwable> seen) {
    if (t == null || seen.size() >= MAX_SEEN || containsIdentity(seen, t)) {
      return;
    }
    seen.add(t);
    collect(t.getCause(), seen);
    for (Throwable suppressed : t.getSuppressed()) {
      collect(suppressed, seen);
    }
  }

  private static boolean containsIdentity(List<Throwable> seen, Throwable t) {
    for (Throwable s : seen) {
      if (s == t) {
        return true;
      }
    }
    return false;
  }
}
