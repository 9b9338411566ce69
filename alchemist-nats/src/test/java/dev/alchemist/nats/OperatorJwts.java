package dev.alchemist.nats;

import io.nats.client.NKey;
import io.nats.client.support.JwtUtils;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A throwaway NATS operator, one account and its users, as JWTs made at test time (what {@code nsc}
 * would make), for a server in operator mode with the memory resolver. jnats issues user JWTs
 * ({@link JwtUtils#issueUserJWT}); the operator and account claims are written here.
 */
final class OperatorJwts {
  private final NKey operator;
  private final NKey account;
  private final NKey system;
  private final String operatorJwt;
  private final String accountJwt;
  private final String systemJwt;

  OperatorJwts() throws Exception {
    operator = NKey.createOperator(null);
    account = NKey.createAccount(null);
    system = NKey.createAccount(null); // JetStream needs a system account in operator mode
    String op = new String(operator.getPublicKey());
    String acc = new String(account.getPublicKey());
    operatorJwt =
        sign(operator, op, "alchemist-test-operator", "{\"type\":\"operator\",\"version\":2}");
    accountJwt =
        sign(
            operator,
            acc,
            "alchemist-test-account",
            "{\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,\"imports\":-1,\"exports\":-1,"
                + "\"wildcards\":true,\"conn\":-1,\"leaf\":-1,\"mem_storage\":-1,"
                + "\"disk_storage\":-1,\"streams\":-1,\"consumer\":-1},"
                + "\"type\":\"account\",\"version\":2}");
    systemJwt =
        sign(
            operator,
            new String(system.getPublicKey()),
            "SYS",
            "{\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,\"imports\":-1,"
                + "\"exports\":-1,\"wildcards\":true,\"conn\":-1,\"leaf\":-1},"
                + "\"type\":\"account\",\"version\":2}");
  }

  /** The server configuration lines of operator mode with this operator and account. */
  String serverConfig() throws Exception {
    return "operator: \""
        + operatorJwt
        + "\"\nsystem_account: "
        + new String(system.getPublicKey())
        + "\nresolver: MEMORY\nresolver_preload: {\n  "
        + new String(account.getPublicKey())
        + ": \""
        + accountJwt
        + "\"\n  "
        + new String(system.getPublicKey())
        + ": \""
        + systemJwt
        + "\"\n}\n";
  }

  /** Writes a credentials file (JWT and seed, as nsc does) of a new user of this account. */
  Path userCredentials(Path directory, String name) throws Exception {
    NKey user = NKey.createUser(null);
    String jwt =
        JwtUtils.issueUserJWT(
            account, new String(account.getPublicKey()), new String(user.getPublicKey()), name);
    Path file = directory.resolve(name + ".creds");
    Files.writeString(
        file,
        "-----BEGIN NATS USER JWT-----\n"
            + jwt
            + "\n------END NATS USER JWT------\n\n"
            + "************************* IMPORTANT *************************\n"
            + "NKEY Seed printed below can be used to sign and prove identity.\n\n"
            + "-----BEGIN USER NKEY SEED-----\n"
            + new String(user.getSeed())
            + "\n------END USER NKEY SEED------\n",
        StandardCharsets.US_ASCII);
    return file;
  }

  /** The seeds, which must never be printed. */
  String[] seeds() throws Exception {
    return new String[] {
      new String(operator.getSeed()), new String(account.getSeed()), new String(system.getSeed())
    };
  }

  private static String sign(NKey issuer, String subject, String name, String nats)
      throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString(
            "{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}".getBytes(StandardCharsets.UTF_8));
    String claims =
        "{\"jti\":\""
            + UUID.randomUUID().toString().replace("-", "").toUpperCase(java.util.Locale.ROOT)
            + "\",\"iat\":"
            + Instant.now().getEpochSecond()
            + ",\"iss\":\""
            + new String(issuer.getPublicKey())
            + "\",\"name\":\""
            + name
            + "\",\"sub\":\""
            + subject
            + "\",\"nats\":"
            + nats
            + "}";
    String body = header + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    return body + "." + b64.encodeToString(issuer.sign(body.getBytes(StandardCharsets.US_ASCII)));
  }
}
