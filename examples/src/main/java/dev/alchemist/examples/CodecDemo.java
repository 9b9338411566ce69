package dev.alchemist.examples;

import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.CodecException;
import dev.alchemist.core.codec.CodecRegistry;
import dev.alchemist.core.codec.KryoCodecs;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * The core codec on a bare machine: encode a dialog history the way the cache stores it, read it
 * back, and watch hostile bytes and unregistered classes get refused.
 *
 * <pre>
 * bash scripts/demo.sh
 * </pre>
 */
public final class CodecDemo {

  /** A type the application never registered: the codec must refuse to touch it. */
  record Unregistered(String secret) {}

  /** Holds anything; registered, so only what it holds decides. */
  record Envelope(Object payload) {}

  private CodecDemo() {}

  public static void main(String[] args) {
    CodecRegistry codecs = KryoCodecs.builder().register(Envelope.class, 200).build();
    Codec<DialogHistory> histories = codecs.codec(DialogHistory.class);

    DialogHistory history = conversation(20);
    byte[] bytes = histories.encode(history);
    DialogHistory back = histories.decode(bytes);
    int text = history.messages().stream().mapToInt(m -> m.content().length()).sum();
    System.out.printf(
        "encoded %d messages (%,d chars of text) into %,d bytes%s; decoded equal: %s%n",
        history.size(), text, bytes.length, bytes[3] == 1 ? " (LZ4)" : "", back.equals(history));
    System.out.printf("schema id of DialogHistory: %08x%n", codecs.schemaId(DialogHistory.class));

    refuse("truncated bytes", () -> histories.decode(Arrays.copyOf(bytes, bytes.length / 2)));
    byte[] flipped = bytes.clone();
    flipped[4] ^= 0x55;
    refuse("another schema", () -> histories.decode(flipped));
    refuse("JSON under the key", () -> histories.decode("{\"messages\":[]}".getBytes()));
    refuse(
        "an unregistered class",
        () -> codecs.codec(Envelope.class).encode(new Envelope(new Unregistered("s3cr3t"))));
  }

  private static void refuse(String what, Runnable attempt) {
    try {
      attempt.run();
      System.out.println(what + ": accepted (unexpected)");
    } catch (CodecException e) {
      System.out.println(what + ": refused, " + e.reason() + ": " + e.getMessage());
    }
  }

  private static DialogHistory conversation(int turns) {
    UUID dialogId = UUID.randomUUID();
    Instant start = Instant.now();
    DialogHistory history = DialogHistory.empty(dialogId);
    for (int i = 0; i < turns; i++) {
      boolean user = i % 2 == 0;
      String content =
          user
              ? "How do I keep the first token under 500 ms? (question " + i + ")"
              : "Stream the answer, buffer five tokens per chunk, and keep the model warm. "
                  .repeat(3);
      history =
          history.append(
              Message.of(
                  dialogId,
                  user ? MessageRole.USER : MessageRole.ASSISTANT,
                  content,
                  start.plusSeconds(i),
                  content.length() / 4),
              50);
    }
    return history;
  }
}
