package dev.alchemist.bench.codec;

import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.KryoCodecs;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codec's share of a core event publish: encoding (and, for the consumer's side, decoding) the
 * {@code DomainEvent} of {@code NatsPublishBenchmark.coreEvent256Alchemist}, which encodes to 256
 * bytes. {@code -prof gc} shows what the codec allocates beyond the 272 bytes of the result array.
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar EventCodecBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventCodecBenchmark {
  private final Codec<DomainEvent> codec = KryoCodecs.builder().build().codec(DomainEvent.class);
  private DomainEvent event;
  private byte[] encoded;

  @Setup
  public void setUp() {
    event = eventEncodingTo(256);
    encoded = codec.encode(event);
  }

  /** The same event shape as the publish benchmark's: ASCII tokens and a JSON payload. */
  private DomainEvent eventEncodingTo(int size) {
    UUID id = new UUID(0x5eed, 0);
    Instant now = Instant.parse("2026-11-26T10:00:00.123456789Z");
    for (int n = 0; n < size; n++) {
      DomainEvent e =
          new DomainEvent(
              id,
              "dialog",
              "message",
              "created",
              "s-1",
              now,
              "{\"text\":\"" + "x".repeat(n) + "\"}");
      if (codec.encode(e).length == size) {
        return e;
      }
    }
    throw new IllegalStateException("no payload encodes to " + size + " bytes");
  }

  @Benchmark
  public byte[] encode() {
    return codec.encode(event);
  }

  @Benchmark
  public DomainEvent decode() {
    return codec.decode(encoded);
  }
}
