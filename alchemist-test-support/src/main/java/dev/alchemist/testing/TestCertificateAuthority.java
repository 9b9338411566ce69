package dev.alchemist.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority made at test time, with server and client certificates it
 * issues, so that no certificate that could expire is ever checked in.
 *
 * <pre>{@code
 * try (TestCertificateAuthority ca = TestCertificateAuthority.create("alchemist test CA")) {
 *   IssuedCertificate server = ca.issueServer("127.0.0.1");   // subjectAltName IP:127.0.0.1
 *   IssuedCertificate client = ca.issueClient("postgres");    // CN=postgres, clientAuth
 *   SSLContext trusting = ca.trustingContext();               // trusts this CA only
 * }
 * }</pre>
 *
 * <p>Keys are EC P-256 (fast to make; every server here accepts them). Certificates are valid from
 * an hour ago until a day from now. Every file (PEM certificates, unencrypted PKCS#8 keys in PEM
 * and DER, readable by the owner only) lives in one temporary directory that {@link #close()}
 * deletes; a JVM shutdown hook deletes the directories of authorities never closed. {@link
 * #toString()} names the CA only, never key material.
 *
 * <p>Thread-safe: issuing is synchronized.
 */
public final class TestCertificateAuthority implements AutoCloseable {
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final Duration LIFETIME = Duration.ofDays(1);
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Not yet closed; a shutdown hook deletes their keys if a test never closes them. */
  private static final Set<TestCertificateAuthority> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> List.copyOf(OPEN).forEach(TestCertificateAuthority::deleteQuietly),
                "alchemist-test-ca-cleanup"));
  }

  private final String name;
  private final Path directory;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final Path certificateFile;
  private int issued;

  private TestCertificateAuthority(String name, Path directory) throws GeneralSecurityException {
    this.name = name;
    this.directory = directory;
    this.keys = newKeyPair();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder builder = builder(subject, subject, keys);
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.certificate = sign(builder, keys);
    this.certificateFile = directory.resolve("ca.pem");
    writePem(certificateFile, "CERTIFICATE", certificate.getEncoded());
  }

  /**
   * Makes a new CA with {@code CN=<name>} in a temporary directory of its own.
   *
   * @throws IllegalStateException if the JDK cannot make EC keys or the directory cannot be made
   */
  public static TestCertificateAuthority create(String name) {
    try {
      TestCertificateAuthority ca =
          new TestCertificateAuthority(name, Files.createTempDirectory("alchemist-tls-"));
      OPEN.add(ca);
      return ca;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the test CA " + name, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the test CA " + name, e);
    }
  }

  /** The CA certificate in PEM, the file a client is given as its trust anchor. */
  public Path certificateFile() {
    return certificateFile;
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The directory holding every file of this CA; deleted by {@link #close()}. */
  public Path directory() {
    return directory;
  }

  /** A trust store (PKCS#12, in memory, no password) with this CA as its only entry. */
  public KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", certificate);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make a trust store for " + this, e);
    }
  }

  /** A TLS client context that trusts this CA only and presents no certificate. */
  public SSLContext trustingContext() {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a TLS context trusting " + this, e);
    }
  }

  /**
   * A server certificate for {@code names}, each an IP literal or a DNS name, put in its
   * subjectAltName; the first is also its common name. It is good for client authentication too.
   */
  public IssuedCertificate issueServer(String... names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("a server certificate needs at least one name");
    }
    // clientAuth too: Redis cluster nodes present their server certificate to each other as
    // clients on the cluster bus, which always checks it, as NATS routes do.
    return issue(
        names[0],
        List.of(names),
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
  }

  /**
   * A client certificate with {@code CN=<commonName>} (PostgreSQL's {@code cert} login maps it to
   * the user of that name).
   */
  public IssuedCertificate issueClient(String commonName) {
    return issue(commonName, List.of(), new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth});
  }

  private synchronized IssuedCertificate issue(
      String commonName, List<String> names, KeyPurposeId[] purposes) {
    try {
      KeyPair pair = newKeyPair();
      X509v3CertificateBuilder builder =
          builder(new X500Name("CN=" + name), new X500Name("CN=" + commonName), pair);
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(certificate))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(pair.getPublic()));
      if (!names.isEmpty()) {
        List<GeneralName> alt = new ArrayList<>();
        for (String n : names) {
          alt.add(
              new GeneralName(
                  IP_LITERAL.matcher(n).matches() ? GeneralName.iPAddress : GeneralName.dNSName,
                  n));
        }
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(alt.toArray(GeneralName[]::new)));
      }
      X509Certificate issuedCertificate = sign(builder, keys);
      String base = "cert-" + (++issued);
      Path certificateFile = directory.resolve(base + ".pem");
      Path keyFile = directory.resolve(base + ".key");
      Path keyDerFile = directory.resolve(base + ".pk8");
      writePem(certificateFile, "CERTIFICATE", issuedCertificate.getEncoded());
      writePem(keyFile, "PRIVATE KEY", pair.getPrivate().getEncoded());
      Files.write(keyDerFile, pair.getPrivate().getEncoded());
      // Clients such as pgjdbc refuse a key that others may read, as PostgreSQL's libpq does.
      for (Path key : List.of(keyFile, keyDerFile)) {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      }
      return new IssuedCertificate(
          this,
          commonName,
          names,
          issuedCertificate,
          pair.getPrivate(),
          certificateFile,
          keyFile,
          keyDerFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a certificate of " + this, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate from " + this, e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(LIFETIME)),
        subject,
        pair.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with " + SIGNATURE, e);
    }
  }

  private static void writePem(Path file, String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    String pem = "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    try {
      Files.writeString(file, pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Deletes the directory with every certificate and key. Calling it again does nothing. */
  @Override
  public void close() {
    OPEN.remove(this);
    ServerFiles.deleteRecursively(directory);
  }

  private void deleteQuietly() {
    try {
      ServerFiles.deleteRecursively(directory);
    } catch (RuntimeException e) {
      // Best effort while the JVM exits; nothing is left to report to.
    }
  }

  /** The CA's name only. */
  @Override
  public String toString() {
    return "TestCertificateAuthority[CN=" + name + "]";
  }
}
