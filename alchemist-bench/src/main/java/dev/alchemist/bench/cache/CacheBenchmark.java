package dev.alchemist.bench.cache;

import dev.alchemist.bench.codec.CodecSamples;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheKeys;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Message;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
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
 *   <li>{@code l2Put} and {@code nearPut} vs {@code rawLettuceSet}: a put of a 1 KB message with a
 *       5-minute TTL into a region without and with a near cache, against Lettuce's {@code SET PX}
 *       of the same bytes, 4 threads. A single Redis carries invalidations by client tracking, so
 *       neither put sends more than its SET. Targets: at least 0.9x and 0.7x.
 *   <li>{@code getAll100} vs {@code rawLettuceMget100} and {@code singleGets100}: 100 keys by one
 *       MGET (decoded) against Lettuce's MGET of the same keys and against 100 sequential gets,
 *       reported per key. Target: at least 3x the single gets.
 *   <li>{@code l1Hit}: a near-cache hit, 2 threads, in ns/op; run with {@code -prof gc} for B/op.
 *       Target: at most 100 ns/op, 0 B/op.
 * </ul>
 *
 * <p>Three forks of five 2-second iterations each, so that the error of a ratio is smaller than the
 * differences the README reports; on a busy machine, compare only figures of one run.
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar CacheBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(3)
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
  private String[] rawBatch;
  private byte[] putBytes;
  private static final long PUT_TTL_MILLIS = Duration.ofMinutes(5).toMillis();

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
    l2Policy = CachePolicy.builder("l2").ttl(Duration.ofMinutes(5)).build();
    l2 = manager.cache(l2Policy, String.class, Message.class);
    l1 =
        manager.cache(
            CachePolicy.builder("l1")
                .ttl(Duration.ofMinutes(5))
                .nearCache(10_000, Duration.ofMinutes(5))
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
    rawBatch = rawKeys.subList(0, 100).toArray(new String[0]);
    putMessage = entries.get("k0");
    rawClient = RedisClient.create(uri);
    raw = rawClient.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    rawAsync = raw.async();
    // the raw put writes what the SDK writes: its 10-byte header and the codec's envelope
    try {
      putBytes = rawAsync.get(rawKeys.get(0)).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("setup: cannot read an entry", e);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    l1.invalidateAll();
    l2.invalidateAll();
    manager.close();
    raw.close();
    rawClient.shutdown();
  }

  private Message putMessage;

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
  @Threads(4)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void l2Put() {
    l2.put(randomKey(), putMessage);
  }

  @Benchmark
  @Threads(4)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void nearPut() {
    l1.put(randomKey(), putMessage);
  }

  @Benchmark
  @Threads(4)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public String rawLettuceSet() throws InterruptedException, ExecutionException {
    return rawAsync
        .set(
            rawKeys.get(ThreadLocalRandom.current().nextInt(KEYS)),
            putBytes,
            SetArgs.Builder.px(PUT_TTL_MILLIS))
        .get();
  }

  @Benchmark
  @Threads(1)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(100)
  public List<KeyValue<String, byte[]>> rawLettuceMget100()
      throws InterruptedException, ExecutionException {
    return rawAsync.mget(rawBatch).get();
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
