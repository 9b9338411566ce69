package dev.alchemist.bench.store;

import dev.alchemist.core.Dialog;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.PoolSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/** Where the store benchmarks connect, and the rows they write. */
final class BenchDatabase {
  private BenchDatabase() {}

  static String setting(String variable, String property, String fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? fallback : value;
  }

  static AlchemistDatabase open(String schema) {
    AlchemistDatabase.Builder b =
        AlchemistDatabase.builder()
            .jdbcUrl(
                setting(
                    "ALCHEMIST_PG_URL",
                    "alchemist.pg.url",
                    "jdbc:postgresql://127.0.0.1:5432/test"))
            .user(setting("ALCHEMIST_PG_USER", "alchemist.pg.user", "postgres"))
            .schema(schema)
            .pool(PoolSettings.builder().maxConnections(4).poolName(schema).build())
            .maintenanceInterval(Duration.ZERO)
            .meterRegistry(new SimpleMeterRegistry());
    String password = setting("ALCHEMIST_PG_PASSWORD", "alchemist.pg.password", "");
    if (!password.isEmpty()) {
      b.password(password);
    }
    return b.build();
  }

  /** Jdbi as a host would use it by hand, on the same pool: defaults plus a record mapper. */
  static Jdbi rawJdbi(AlchemistDatabase db) {
    Jdbi jdbi = Jdbi.create(db.dataSource());
    jdbi.registerRowMapper(ConstructorMapper.factory(Message.class));
    return jdbi;
  }

  static Dialog dialog(String user) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new Dialog(UUID.randomUUID(), user, "bench", t, t);
  }

  /** {@code count} messages of about 200 characters, 1 ms apart from {@code start}. */
  static Iterable<Message> messages(UUID dialogId, Instant start, int count) {
    String content = "x".repeat(180) + " benchmark message";
    return () ->
        new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < count;
          }

          @Override
          public Message next() {
            if (i >= count) {
              throw new NoSuchElementException();
            }
            int n = i++;
            return new Message(
                UUID.randomUUID(),
                dialogId,
                n % 2 == 0 ? MessageRole.USER : MessageRole.ASSISTANT,
                content,
                start.plusMillis(n),
                40);
          }
        };
  }
}
