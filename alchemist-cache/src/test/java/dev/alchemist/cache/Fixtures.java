package dev.alchemist.cache;

import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.testing.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** Shared test values, codecs and raw Redis access. */
final class Fixtures {

  record Profile(String name, int age) {}

  static final CodecRegistry CODECS = KryoCodecs.builder().register(Profile.class, 200).build();

  enum Backend {
    LOCAL,
    REDIS
  }

  private Fixtures() {}

  static CacheManager.Builder manager(Backend backend, MeterRegistry registry, String prefix) {
    CacheManager.Builder builder =
        CacheManager.builder().codec(CODECS).meterRegistry(registry).keyPrefix(prefix);
    return backend == Backend.LOCAL ? builder.local() : builder.redis(TestServices.redis().uri());
  }

  static double count(MeterRegistry registry, String name, String... tags) {
    return Search.in(registry).name(name).tags(tags).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /** Raw access to Redis, to read PTTL, write foreign bytes and check keys. */
  static StatefulRedisConnection<String, byte[]> raw(RedisClient client) {
    return client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
  }

  /** A wall clock the test moves by hand. */
  static final class MutableClock extends Clock {
    final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }
  }
}
