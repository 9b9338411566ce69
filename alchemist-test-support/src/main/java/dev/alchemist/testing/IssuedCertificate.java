package dev.alchemist.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate and its private key, issued by a {@link TestCertificateAuthority}, as files (what
 * servers and some clients are given) and as JDK objects. {@link #toString()} shows the names,
 * never the key.
 */
public final class IssuedCertificate {
  /** The password of {@link #keyStore()}; the store is in memory and throwaway. */
  public static final char[] KEY_STORE_PASSWORD = "changeit".toCharArray();

  private final TestCertificateAuthority issuer;
  private final String commonName;
  private final List<String> names;
  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Path certificateFile;
  private final Path privateKeyFile;
  private final Path privateKeyDerFile;

  IssuedCertificate(
      TestCertificateAuthority issuer,
      String commonName,
      List<String> names,
      X509Certificate certificate,
      PrivateKey privateKey,
      Path certificateFile,
      Path privateKeyFile,
      Path privateKeyDerFile) {
    this.issuer = issuer;
    this.commonName = commonName;
    this.names = List.copyOf(names);
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.certificateFile = certificateFile;
    this.privateKeyFile = privateKeyFile;
    this.privateKeyDerFile = privateKeyDerFile;
  }

  /** The CA that issued it. */
  public TestCertificateAuthority issuer() {
    return issuer;
  }

  /** The subject's common name. */
  public String commonName() {
    return commonName;
  }

  /** The subjectAltNames of a server certificate; empty for a client certificate. */
  public List<String> names() {
    return names;
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The certificate in PEM. */
  public Path certificateFile() {
    return certificateFile;
  }

  /** The private key as unencrypted PKCS#8 in PEM ({@code BEGIN PRIVATE KEY}). */
  public Path privateKeyFile() {
    return privateKeyFile;
  }

  /** The private key as unencrypted PKCS#8 in DER, the form pgjdbc's {@code sslkey} reads. */
  public Path privateKeyDerFile() {
    return privateKeyDerFile;
  }

  /**
   * A PKCS#12 key store in memory with this key and certificate, password {@link
   * #KEY_STORE_PASSWORD}.
   */
  public KeyStore keyStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("key", privateKey, KEY_STORE_PASSWORD, new Certificate[] {certificate});
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make a key store for " + this, e);
    }
  }

  /**
   * A TLS context that presents this certificate and trusts its issuer only: a server's context, or
   * a client's for mutual TLS.
   */
  public SSLContext sslContext() {
    try {
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore(), KEY_STORE_PASSWORD);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(issuer.trustStore());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a TLS context for " + this, e);
    }
  }

  /**
   * Strings that would show this private key leaked: its base64 (as one line, and its first PEM
   * line) and the PEM label, for tests that grep captured output.
   */
  public List<String> keyMaterial() {
    String base64 = java.util.Base64.getEncoder().encodeToString(privateKey.getEncoded());
    return List.of(base64, base64.substring(0, 64), "PRIVATE KEY-----");
  }

  /** Names only, such as {@code IssuedCertificate[CN=127.0.0.1, names=[127.0.0.1], by CN=...]}. */
  @Override
  public String toString() {
    return "IssuedCertificate[CN=" + commonName + ", names=" + names + ", by " + issuer + "]";
  }
}
