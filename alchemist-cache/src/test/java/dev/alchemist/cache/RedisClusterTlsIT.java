package dev.alchemist.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.alchemist.core.AlchemistException;
import dev.alchemist.testing.CapturedOutput;
import dev.alchemist.testing.PrivateRedisCluster;
import dev.alchemist.testing.TestCertificateAuthority;
import io.lettuce.core.SslOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cache over TLS to a private three-master Redis Cluster whose nodes speak TLS only, to clients
 * and on the cluster bus: the seed's TLS settings reach every node the topology names.
 */
class RedisClusterTlsIT {
  private static TestCertificateAuthority ca;
  private static PrivateRedisCluster cluster;

  @BeforeAll
  static void start() {
    ca = TestCertificateAuthority.create("alchemist cache cluster test CA");
    cluster = PrivateRedisCluster.startTls(ca.issueServer("127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    cluster.close();
    ca.close();
  }

  @Test
  void rediss_clusterWithTheCa_putsAndGetsAcrossSlotsOnEveryNode() {
    assertThat(cluster.uris()).allMatch(uri -> uri.startsWith("rediss://"));
    try (CacheManager manager = builder(ca).build()) {
      Cache<String, String> cache =
          manager.cache(CachePolicy.builder("tls-cluster").build(), String.class, String.class);
      Map<String, String> entries = new HashMap<>();
      for (int i = 0; i < 50; i++) { // 50 keys spread over the 16384 slots of three masters
        entries.put("key-" + i, "value-" + i);
      }
      cache.putAll(entries);
      assertThat(cache.getAll(entries.keySet())).isEqualTo(entries);
    }
  }

  @Test
  void rediss_clusterFromAnotherCa_failsNamingTheUntrustedCertificate() {
    try (TestCertificateAuthority other = TestCertificateAuthority.create("some other CA");
        CapturedOutput output = CapturedOutput.start()) {
      Throwable failure = catchThrowable(() -> builder(other).build().close());
      assertThat(failure)
          .isInstanceOf(AlchemistException.class)
          .hasMessageContaining("rediss://127.0.0.1:")
          .hasMessageContaining("not issued by a trusted CA");
      assertThat(output.text()).doesNotContain("PRIVATE KEY-----");
    }
  }

  private static CacheManager.Builder builder(TestCertificateAuthority trusted) {
    List<String> uris = cluster.uris();
    return CacheManager.builder()
        .redisCluster(uris.toArray(new String[0]))
        .sslOptions(
            SslOptions.builder()
                .jdkSslProvider()
                .trustManager(trusted.certificateFile().toFile())
                .build())
        .connectTimeout(Duration.ofSeconds(3))
        .meterRegistry(new SimpleMeterRegistry());
  }
}
