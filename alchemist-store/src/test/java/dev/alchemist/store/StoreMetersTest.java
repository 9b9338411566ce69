package dev.alchemist.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.Message;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Before, a closed database left its store meters in the registry, so a re-created one reported the
 * closed one's gauges, and two live databases under one pool name shared HikariCP's gauges.
 */
class StoreMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private AlchemistDatabase.Builder h2(String pool) {
    return AlchemistDatabase.builder()
        .jdbcUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
        .schema("alchemist")
        .pool(PoolSettings.builder().poolName(pool).maxConnections(2).build())
        .maintenanceInterval(Duration.ZERO)
        .meterRegistry(registry);
  }

  @Test
  void close_removesEveryMeterItRegistered() {
    AlchemistDatabase db = h2("meters").build();
    BatchingWriter<Message> writer =
        db.messageWriter(BatchSettings.builder().maxDelay(Duration.ofMillis(5)).build());
    Dialog d = new Dialog(UUID.randomUUID(), "u", "", Instant.EPOCH, Instant.EPOCH);
    db.dialogs().insert(d);
    writer.submit(StoreContract.message(d, 1)).join();
    assertThat(registry.find("alchemist.store.writer.pending").gauge()).isNotNull();

    db.close();

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void twoLiveDatabasesUnderOnePoolName_neverShareAGauge() {
    try (AlchemistDatabase first = h2("shared").build()) {
      assertThatThrownBy(() -> h2("shared").build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("pool shared")
          .hasMessageContaining("poolName");
      assertThat(first.poolState()).isPresent();
      assertThat(registry.find("hikaricp.connections").tag("pool", "shared").gauge()).isNotNull();
      try (AlchemistDatabase other = h2("other").build()) {
        assertThat(other.poolState()).isPresent();
        assertThat(registry.get("alchemist.store.maintenance.age").gauges()).hasSize(2);
      }
    }
    try (AlchemistDatabase again = h2("shared").build()) {
      assertThat(again.poolState()).isPresent();
      assertThat(registry.get("alchemist.store.maintenance.age").gauges()).hasSize(1);
    }
  }

  @Test
  void twoLiveWritersOfOneKind_pendingIsTheirSum_andLeavesWithThem() {
    try (AlchemistDatabase db = h2("writers").build()) {
      BatchingWriter<Message> first = db.messageWriter(BatchSettings.builder().build());
      try (BatchingWriter<Message> second = db.messageWriter(BatchSettings.builder().build())) {
        assertThat(registry.get("alchemist.store.writer.pending").gauges()).hasSize(1);
        assertThat(second.pending()).isZero();
        first.close();
        assertThat(registry.get("alchemist.store.writer.pending").gauge().value()).isZero();
      } finally {
        first.close();
      }
      assertThat(registry.find("alchemist.store.writer.pending").gauge()).isNull();
    }
  }
}
