package dev.alchemist.ai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.alchemist.ai.AiException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class WireDecoderPropertyTest {

  /** Records every wire event as a line of text, so two runs compare with equals. */
  static final class Log implements WireListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void token(String text) {
      events.add("token:" + text);
    }

    @Override
    public void finishReason(String reason) {
      events.add("finish:" + reason);
    }

    @Override
    public void usage(long p, long c) {
      events.add("usage:" + p + "/" + c);
    }

    @Override
    public void loadDuration(long nanos) {
      events.add("load:" + nanos);
    }

    @Override
    public void done() {
      events.add("done");
    }

    @Override
    public void error(AiException error) {
      events.add("error:" + error.getMessage());
    }

    @Override
    public void skipped(String why) {
      events.add("skipped");
    }
  }

  static List<String> decode(
      Function<WireListener, WireDecoder> factory, byte[] bytes, List<Integer> cuts) {
    Log log = new Log();
    WireDecoder d = factory.apply(log);
    int from = 0;
    for (int cut : cuts) {
      int to = Math.min(bytes.length, from + cut);
      d.feed(ByteBuffer.wrap(bytes, from, to - from));
      from = to;
    }
    d.feed(ByteBuffer.wrap(bytes, from, bytes.length - from));
    d.finish();
    return log.events;
  }

  @Provide
  Arbitrary<String> tokens() {
    Arbitrary<String> ascii =
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .withChars('\u00e9', '\u65e5', '\n', '"', '\\')
            .ofMinLength(1)
            .ofMaxLength(12);
    // Supplementary characters come whole: a lone surrogate is not valid UTF-8 on the wire.
    return Arbitraries.oneOf(ascii, Arbitraries.of("\ud83d\ude42", "na\u00efve \ud83d\ude42"));
  }

  static String sse(List<String> tokens, String newline) {
    StringBuilder sb = new StringBuilder(": hello" + newline + newline);
    for (String t : tokens) {
      sb.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":")
          .append(json(t))
          .append("}}]}")
          .append(newline)
          .append(newline);
    }
    sb.append("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}").append(newline);
    sb.append(newline)
        .append("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":");
    sb.append(tokens.size()).append("}}").append(newline).append(newline);
    sb.append("data: [DONE]").append(newline).append(newline);
    return sb.toString();
  }

  static String ndjson(List<String> tokens) {
    StringBuilder sb = new StringBuilder();
    for (String t : tokens) {
      sb.append("{\"message\":{\"role\":\"assistant\",\"content\":")
          .append(json(t))
          .append("},\"done\":false}\n");
    }
    sb.append(
            "{\"done\":true,\"done_reason\":\"stop\",\"load_duration\":5,\"prompt_eval_count\":3,\"eval_count\":")
        .append(tokens.size())
        .append("}\n");
    return sb.toString();
  }

  static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  @Property(tries = 300)
  void sse_anyChunkSplit_parsesIdentically_toTheTokensSent(
      @ForAll @Size(max = 20) List<@net.jqwik.api.From("tokens") String> tokens,
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 40) Integer> cuts,
      @ForAll("newlines") String newline) {
    byte[] bytes = sse(tokens, newline).getBytes(StandardCharsets.UTF_8);
    List<String> whole = decode(WireDecoder::openAi, bytes, List.of());
    List<String> split = decode(WireDecoder::openAi, bytes, cuts);
    assertThat(split).isEqualTo(whole);
    List<String> expected = new ArrayList<>();
    tokens.forEach(t -> expected.add("token:" + t));
    expected.add("finish:stop");
    expected.add("usage:3/" + tokens.size());
    expected.add("done");
    assertThat(whole).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> newlines() {
    return Arbitraries.of("\n", "\r\n", "\r");
  }

  @Property(tries = 300)
  void ndjson_anyChunkSplit_parsesIdentically_toTheTokensSent(
      @ForAll @Size(max = 20) List<@net.jqwik.api.From("tokens") String> tokens,
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 40) Integer> cuts) {
    byte[] bytes = ndjson(tokens).getBytes(StandardCharsets.UTF_8);
    List<String> split = decode(WireDecoder::ollama, bytes, cuts);
    List<String> expected = new ArrayList<>();
    tokens.forEach(t -> expected.add("token:" + t));
    expected.add("finish:stop");
    expected.add("load:5");
    expected.add("usage:3/" + tokens.size());
    expected.add("done");
    assertThat(split).isEqualTo(expected);
  }

  @Provide
  Arbitrary<byte[]> garbage() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
    Arbitrary<byte[]> mutated =
        Combinators.combine(
                Arbitraries.integers().between(0, 300),
                Arbitraries.bytes(),
                Arbitraries.of(
                    sse(List.of("a", "b"), "\n"),
                    ndjson(List.of("a", "b")),
                    sse(List.of("x"), "\r\n")))
            .as(
                (pos, b, text) -> {
                  byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                  bytes[pos % bytes.length] = b;
                  return bytes;
                });
    return Arbitraries.oneOf(random, mutated);
  }

  @Property(tries = 500)
  void garbage_neverThrows_onlySkipsOrParses(
      @ForAll("garbage") byte[] bytes,
      @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 50) Integer> cuts) {
    // Every outcome is an event, a counted skip or an error event; never an exception.
    decode(WireDecoder::openAi, bytes, cuts);
    decode(WireDecoder::ollama, bytes, cuts);
  }

  @Property(tries = 20)
  void overlongLine_failsWithAClearProtocolError(@ForAll @IntRange(min = 1, max = 3) int extra) {
    byte[] line = new byte[WireDecoder.MAX_EVENT_BYTES + extra];
    java.util.Arrays.fill(line, (byte) 'a');
    Log log = new Log();
    WireDecoder d = WireDecoder.ollama(log);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.feed(ByteBuffer.wrap(line)))
        .isInstanceOf(AiException.class)
        .hasMessageContaining("longer than");
  }
}
