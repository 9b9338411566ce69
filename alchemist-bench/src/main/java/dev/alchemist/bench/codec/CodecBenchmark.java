package dev.alchemist.bench.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode then decode of one value, by our Kryo codec and by the peers a host would otherwise use,
 * in one run. {@code kryo} uses the default settings (LZ4 from 2 KiB); {@code kryoLz4} compresses
 * from 512 bytes, trading time for size.
 *
 * <pre>
 * java -jar alchemist-bench/target/benchmarks.jar CodecBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {

  @Param({"message1k", "history50"})
  public String value;

  private Object sample;
  private Class<?> type;
  private Codec<Object> kryo;
  private Codec<Object> kryoLz4;
  private Codec<Object> kryoPlain;
  private ObjectMapper jackson;

  @Setup
  public void setUp() {
    sample = "message1k".equals(value) ? CodecSamples.message1k() : CodecSamples.history50();
    type = sample.getClass();
    kryo = codec(KryoCodecs.builder().build());
    kryoLz4 = codec(KryoCodecs.builder().compressionThreshold(512).build());
    kryoPlain = codec(KryoCodecs.builder().compressionThreshold(0).build());
    jackson = CodecSamples.jackson();
  }

  @SuppressWarnings("unchecked")
  private Codec<Object> codec(CodecRegistry registry) {
    return (Codec<Object>) registry.codec(type);
  }

  @Benchmark
  public Object kryo() {
    return kryo.decode(kryo.encode(sample));
  }

  @Benchmark
  public Object kryoLz4() {
    return kryoLz4.decode(kryoLz4.encode(sample));
  }

  @Benchmark
  public Object kryoPlain() {
    return kryoPlain.decode(kryoPlain.encode(sample));
  }

  @Benchmark
  public Object jdkSerialization() {
    return CodecSamples.jdkDeserialize(CodecSamples.jdkSerialize(sample));
  }

  @Benchmark
  public Object jackson() throws IOException {
    return jackson.readValue(jackson.writeValueAsBytes(sample), type);
  }
}
