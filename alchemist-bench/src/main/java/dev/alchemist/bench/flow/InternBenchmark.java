package dev.alchemist.bench.flow;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Does interning a hot identifier save allocation? Each benchmark turns the token {@code "dialog"}
 * of a subject (as a {@code String}, or as the bytes it arrived in) into a {@code String}: plainly,
 * then canonicalised through a {@link ConcurrentHashMap} interner or {@link String#intern()}, and
 * finally through a lookup keyed by the bytes in place, which is the only way to skip creating the
 * {@code String}. Compare {@code gc.alloc.rate.norm}.
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar InternBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InternBenchmark {
  @Param({"alchemist.dialog.message.created"})
  public String subject;

  private byte[] bytes;
  private int from;
  private int length;
  private final ConcurrentHashMap<String, String> interned = new ConcurrentHashMap<>();
  private final BytesInterner byBytes = new BytesInterner();

  @Setup
  public void setUp() {
    bytes = subject.getBytes(StandardCharsets.UTF_8);
    from = subject.indexOf('.') + 1;
    length = subject.indexOf('.', from) - from;
  }

  @Benchmark
  public String substring() {
    return subject.substring(from, from + length);
  }

  @Benchmark
  public String substringThenMapIntern() {
    String token = subject.substring(from, from + length);
    String canonical = interned.putIfAbsent(token, token);
    return canonical != null ? canonical : token;
  }

  @Benchmark
  public String substringThenJdkIntern() {
    return subject.substring(from, from + length).intern();
  }

  @Benchmark
  public String decodeBytes() {
    return new String(bytes, from, length, StandardCharsets.UTF_8);
  }

  @Benchmark
  public String decodeBytesThenMapIntern() {
    String token = new String(bytes, from, length, StandardCharsets.UTF_8);
    String canonical = interned.putIfAbsent(token, token);
    return canonical != null ? canonical : token;
  }

  @Benchmark
  public String lookupBytesInPlace() {
    return byBytes.intern(bytes, from, length);
  }

  /** Open addressing keyed by bytes; creates a String only the first time. Single-threaded. */
  static final class BytesInterner {
    private final byte[][] keys = new byte[1024][];
    private final String[] values = new String[1024];

    String intern(byte[] b, int off, int len) {
      int h = 1;
      for (int i = off; i < off + len; i++) {
        h = 31 * h + b[i];
      }
      int mask = keys.length - 1;
      for (int i = (h ^ (h >>> 16)) & mask; ; i = (i + 1) & mask) {
        byte[] key = keys[i];
        if (key == null) {
          keys[i] = Arrays.copyOfRange(b, off, off + len);
          return values[i] = new String(b, off, len, StandardCharsets.UTF_8);
        }
        if (Arrays.equals(key, 0, key.length, b, off, off + len)) {
          return values[i];
        }
      }
    }
  }
}
