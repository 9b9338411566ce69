package dev.alchemist.ai.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream rules): {@code data} lines of
 * one event are joined with {@code \n}, a blank line dispatches, lines starting with {@code :} are
 * comments, {@code event} names the event, {@code id} and {@code retry} are ignored, unknown fields
 * are ignored. One leading space after the colon is dropped; a line without a colon is a field with
 * an empty value; at the end of the input an event without its blank line is discarded. Lines come
 * from a {@link LineSplitter}, which also drops a leading byte order mark. Not thread-safe: one per
 * stream.
 */
public final class SseParser implements LineSplitter.LineSink {
  /** Receives each dispatched event. The data slice is valid during the call only. */
  @FunctionalInterface
  public interface EventSink {
    /**
     * @param event the {@code event:} field, or null for the default {@code message} event
     */
    void event(@Nullable String event, byte[] data, int length);
  }

  private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);

  private final EventSink sink;
  private final int maxEventBytes;
  private byte[] data = new byte[256];
  private int dataLength;
  private boolean hasData;
  private @Nullable String event;
  private long comments;

  public SseParser(EventSink sink, int maxEventBytes) {
    this.sink = sink;
    this.maxEventBytes = maxEventBytes;
  }

  /** Comment lines seen (keep-alives such as {@code : ping}). */
  public long comments() {
    return comments;
  }

  @Override
  public void line(byte[] bytes, int offset, int length) {
    if (length == 0) {
      dispatch();
      return;
    }
    if (bytes[offset] == ':') {
      comments++;
      return;
    }
    int colon = -1;
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == ':') {
        colon = i;
        break;
      }
    }
    int nameEnd = colon < 0 ? offset + length : colon;
    int valueStart = colon < 0 ? offset + length : colon + 1;
    if (valueStart < offset + length && bytes[valueStart] == ' ') {
      valueStart++;
    }
    int valueLength = offset + length - valueStart;
    if (is(DATA, bytes, offset, nameEnd)) {
      if (hasData) {
        appendData((byte) '\n');
      }
      hasData = true;
      for (int i = valueStart; i < valueStart + valueLength; i++) {
        appendData(bytes[i]);
      }
    } else if (is(EVENT, bytes, offset, nameEnd)) {
      // An empty type means the default, as if the field were absent.
      event = valueLength == 0 ? null : new String(bytes, valueStart, valueLength, UTF_8);
    }
  }

  /**
   * Ends the input. An event still missing its blank line is discarded, as the event-stream rules
   * require (a body cut inside an event is not a whole event).
   *
   * @return whether an incomplete event was discarded
   */
  public boolean finish() {
    boolean incomplete = hasData;
    hasData = false;
    dataLength = 0;
    event = null;
    return incomplete;
  }

  private void dispatch() {
    if (hasData) {
      int len = dataLength;
      String name = event;
      hasData = false;
      dataLength = 0;
      event = null;
      sink.event(name, data, len);
    } else {
      event = null;
    }
  }

  private void appendData(byte b) {
    if (dataLength == data.length) {
      if (dataLength >= maxEventBytes) {
        dataLength = 0;
        hasData = false;
        throw new dev.alchemist.ai.AiException(
            dev.alchemist.ai.AiException.Reason.PROTOCOL,
            "SSE event longer than " + maxEventBytes + " bytes");
      }
      data = Arrays.copyOf(data, Math.min(maxEventBytes, dataLength * 2));
    }
    data[dataLength++] = b;
  }

  private static boolean is(byte[] name, byte[] bytes, int from, int to) {
    if (to - from != name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (bytes[from + i] != name[i]) {
        return false;
      }
    }
    return true;
  }
}
