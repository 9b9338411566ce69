package dev.alchemist.bench.cache;

import dev.alchemist.bench.codec.CodecSamples;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheKeys;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Message;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cache against raw Lettuce on the same Redis, in one run. Redis is {@code
 * redis://127.0.0.1:6379} unless the system property {@code alchemist.redis.uri} or the variable
 * {@code ALCHEMIST_REDIS_URI} says otherwise. Every key lives under a fresh prefix and is deleted
 * at the end.
 *
 * <ul>
 *   <li>{@code l2Get} vs {@code rawLettuceGet}: a store hit of a 1 KB {@link Message} (no near
 *       cache), decoded, against Lettuce's async GET of the same bytes, both waited for, both at 8
 *       threads. Target: {@code l2Get} at least 0.85x.
 *   <li>{@code getAll100} vs {@code singleGets100}: 100 keys by one MGET against 100 sequential
 *       gets, reported per key. Target: at least 3x.
 *   <li>{@code l1Hit}: a near-cache hit, 2 threads, in ns/op; run with {@code -prof gc} for B/op.
 *       Target: at most 100 ns/op, 0 B/op.
 * </ul>
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar CacheBenchmark -f 1 -wi 2 -w 1s -i 3 -r 2s -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CacheBenchmark {

  private static final int KEYS = 1000;

  private CacheManager manager;
  private Cache<String, Message> l2;
  private Cache<String, Message> l1;
  private RedisClient rawClient;
  private StatefulRedisConnection<String, byte[]> raw;
  private RedisAsyncCommands<String, byte[]> rawAsync;
  private String prefix;
  private CachePolicy l2Policy;
  private final List<String> keys = new ArrayList<>();
  private final List<String> rawKeys = new ArrayList<>();
  private List<String> batch;

  @Setup(Level.Trial)
  public void setUp() {
    String uri = System.getProperty("alchemist.redis.uri", System.getenv("ALCHEMIST_REDIS_URI"));
    if (uri == null || uri.isBlank()) {
      uri = "redis://127.0.0.1:6379";
    }
    prefix = "bench_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    manager =
        CacheManager.builder()
            .redis(uri)
            .keyPrefix(prefix)
            .meterRegistry(new SimpleMeterRegistry())
            .operationTimeout(Duration.ofSeconds(2))
            .build();
    l2Policy = CachePolicy.builder("l2").ttl(Duration.ofMinutes(10)).build();
    l2 = manager.cache(l2Policy, String.class, Message.class);
    l1 =
        manager.cache(
            CachePolicy.builder("l1")
                .ttl(Duration.ofMinutes(10))
                .nearCache(10_000, Duration.ofMinutes(10))
                .build(),
            String.class,
            Message.class);
    Message message = CodecSamples.message1k();
    Map<String, Message> entries = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      String key = "k" + i;
      keys.add(key);
      rawKeys.add(CacheKeys.redisKey(prefix, l2Policy, key));
      entries.put(
          key,
          new Message(
              new UUID(7, i),
              message.dialogId(),
              message.role(),
              message.content(),
              message.timestamp(),
              message.tokenCount()));
    }
    l2.putAll(entries);
    l1.putAll(entries);
    for (String key : keys) {
      if (l1.get(key) == null || l2.get(key) == null) {
        throw new IllegalStateException("setup: key " + key + " not stored");
      }
    }
    batch = keys.subList(0, 100);
    rawClient = RedisClient.create(uri);
    raw = rawClient.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    rawAsync = raw.async();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    l1.invalidateAll();
    l2.invalidateAll();
    manager.close();
    raw.close();
    rawClient.shutdown();
  }

  private String randomKey() {
    return keys.get(ThreadLocalRandom.current().nextInt(KEYS));
  }

  @Benchmark
  @Threads(8)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Message l2Get() {
    return l2.get(randomKey());
  }

  @Benchmark
  @Threads(8)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public byte[] rawLettuceGet() throws InterruptedException, ExecutionException {
    return rawAsync.get(rawKeys.get(ThreadLocalRandom.current().nextInt(KEYS))).get();
  }

  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(100)
  public Map<String, Message> getAll100() {
    return l2.getAll(batch);
  }

  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(100)
  public void singleGets100(Blackhole bh) {
    for (String key : batch) {
      bh.consume(l2.get(key));
    }
  }

  @Benchmark
  @Threads(2)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Message l1Hit() {
    return l1.get(keys.get(ThreadLocalRandom.current().nextInt(KEYS)));
  }
}
