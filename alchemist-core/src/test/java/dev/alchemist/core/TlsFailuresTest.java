package dev.alchemist.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsFailuresTest {

  private static Throwable wrapped(Throwable cause) {
    return new IOException("Unable to connect to 127.0.0.1:6380", cause);
  }

  @Test
  void untrustedIssuer_isNamedWhereverItSitsInTheChain() {
    SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
    handshake.initCause(new CertPathBuilderException("unable to find valid certification path"));
    assertThat(TlsFailures.reason(wrapped(handshake))).contains("not issued by a trusted CA");
  }

  @Test
  void untrustedIssuerOfOneClusterNode_isFoundAmongSuppressed() {
    IOException topology = new IOException("Cannot retrieve cluster partitions");
    topology.addSuppressed(new IOException("node 1 refused"));
    topology.addSuppressed(new SSLHandshakeException("PKIX path building failed"));
    assertThat(TlsFailures.reason(wrapped(topology))).contains("not issued by a trusted CA");
  }

  @Test
  void hostNameMismatch_isNamed() {
    SSLHandshakeException handshake =
        new SSLHandshakeException("No subject alternative DNS name matching localhost found.");
    handshake.initCause(new CertificateException("No subject alternative DNS name matching"));
    assertThat(TlsFailures.reason(wrapped(handshake))).contains("not for this host name");
  }

  @Test
  void pgjdbcHostNameMismatch_isNamed() {
    assertThat(
            TlsFailures.reason(
                new IOException(
                    "The hostname localhost could not be verified by hostnameverifier"
                        + " PgjdbcHostnameVerifier.")))
        .contains("not for this host name");
  }

  @Test
  void refusedClientCertificate_isNamedFromTheAlert() {
    assertThat(TlsFailures.reason(new SSLException("Received fatal alert: certificate_required")))
        .contains("client certificate");
  }

  @Test
  void expiredCertificate_isNamed() {
    assertThat(TlsFailures.reason(wrapped(new CertificateExpiredException("NotAfter: ..."))))
        .contains("expired");
  }

  @Test
  void otherSslFailure_isAHandshakeFailure_andAChainWithoutTlsHasNoReason() {
    assertThat(TlsFailures.reason(new SSLException("something else")))
        .isEqualTo("TLS handshake failed");
    assertThat(TlsFailures.reason(new IOException("Connection refused"))).isNull();
    assertThat(TlsFailures.reason(null)).isNull();
  }

  @Test
  void reason_neverCopiesTheChainsMessages() {
    String secret = "s3cret-password-in-a-message";
    SSLException failure = new SSLException("PKIX path building failed for " + secret);
    assertThat(TlsFailures.reason(failure)).doesNotContain(secret);
  }
}
