package dev.alchemist.bench.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import java.util.Locale;

/**
 * Prints the encoded size of each benchmark value by each codec, and the ratio to JSON.
 *
 * <pre>
 * java -cp alchemist-bench/target/benchmarks.jar dev.alchemist.bench.codec.CodecSizes
 * </pre>
 */
public final class CodecSizes {
  private CodecSizes() {}

  public static void main(String[] args) throws JsonProcessingException {
    ObjectMapper jackson = CodecSamples.jackson();
    CodecRegistry plain = KryoCodecs.builder().build();
    CodecRegistry lz4 = KryoCodecs.builder().compressionThreshold(512).build();
    CodecRegistry none = KryoCodecs.builder().compressionThreshold(0).build();
    System.out.println(
        "| value | JSON (Jackson) | JDK serialization | kryoPlain | kryo | kryoLz4 |");
    System.out.println("|---|---|---|---|---|---|");
    for (Object value : new Object[] {CodecSamples.message1k(), CodecSamples.history50()}) {
      int json = jackson.writeValueAsBytes(value).length;
      int jdk = CodecSamples.jdkSerialize(value).length;
      int kryoPlain = size(none, value);
      int kryo = size(plain, value);
      int kryoLz4 = size(lz4, value);
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d B | %,d B (%.2fx) | %,d B (%.2fx) | %,d B (%.2fx) | %,d B (%.2fx) |%n",
          value instanceof dev.alchemist.core.Message ? "message1k" : "history50",
          json,
          jdk,
          (double) jdk / json,
          kryoPlain,
          (double) kryoPlain / json,
          kryo,
          (double) kryo / json,
          kryoLz4,
          (double) kryoLz4 / json);
    }
  }

  @SuppressWarnings("unchecked")
  private static int size(CodecRegistry registry, Object value) {
    return ((Codec<Object>) registry.codec(value.getClass())).encode(value).length;
  }
}
