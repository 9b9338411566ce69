package dev.alchemist.bench.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The values the codec benchmarks encode, and the peers they are compared with. Content is
 * English-like text of a chat answer, generated from a fixed seed so every run encodes the same
 * bytes.
 */
public final class CodecSamples {
  private static final String[] WORDS = {
    "the",
    "model",
    "answer",
    "stream",
    "token",
    "cache",
    "event",
    "dialog",
    "latency",
    "a",
    "is",
    "of",
    "to",
    "and",
    "in",
    "that",
    "for",
    "with",
    "user",
    "history",
    "request",
    "fast",
    "buffer",
    "first",
    "response",
    "performance",
    "guide",
    "subject",
    "domain",
    "dashboard"
  };

  private CodecSamples() {}

  /** A message whose content is {@code chars} characters of English-like text. */
  public static Message message(UUID dialogId, int index, int chars) {
    return new Message(
        new UUID(0x5eed, index),
        dialogId,
        index % 2 == 0 ? MessageRole.USER : MessageRole.ASSISTANT,
        text(index, chars),
        Instant.parse("2026-11-26T10:00:00Z").plusMillis(1500L * index),
        chars / 4);
  }

  /** A message with 1 KiB of content. */
  public static Message message1k() {
    return message(new UUID(0xd1a1, 1), 1, 1024);
  }

  /** A 50-message history; content lengths vary from 40 to 600 characters, as in a chat. */
  public static DialogHistory history50() {
    UUID dialogId = new UUID(0xd1a1, 50);
    Random random = new Random(50);
    List<Message> messages = new ArrayList<>(50);
    for (int i = 0; i < 50; i++) {
      messages.add(message(dialogId, i, 40 + random.nextInt(560)));
    }
    return new DialogHistory(dialogId, messages);
  }

  static String text(int seed, int chars) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder(chars + 16);
    while (text.length() < chars) {
      if (text.length() > 0) {
        text.append(random.nextInt(12) == 0 ? ". " : " ");
      }
      text.append(WORDS[random.nextInt(WORDS.length)]);
    }
    text.setLength(chars);
    return text.toString();
  }

  /** Jackson configured as a host application would: records, java.time. */
  public static ObjectMapper jackson() {
    return new ObjectMapper().registerModule(new JavaTimeModule());
  }

  /** JDK serialization of {@code value}. */
  public static byte[] jdkSerialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** JDK deserialization of {@code bytes}. */
  public static Object jdkDeserialize(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
