package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Splits a byte stream into lines at {@code \n}, {@code \r\n} or a lone {@code \r} (the SSE rules;
 * NDJSON's {@code \n} is a subset), however the bytes are split into buffers. A line is handed to
 * the sink as a slice of an internal array that is reused for the next line, so splitting allocates
 * nothing once the array has grown to the longest line. Not thread-safe: one per stream.
 */
public final class LineSplitter {
  /** Receives each complete line, without its terminator. The slice is valid during the call. */
  @FunctionalInterface
  public interface LineSink {
    void line(byte[] bytes, int offset, int length);
  }

  private final LineSink sink;
  private final int maxLineBytes;
  private byte[] line = new byte[256];
  private int length;
  private boolean skipLf;

  public LineSplitter(LineSink sink, int maxLineBytes) {
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
  }

  /** Consumes every remaining byte of {@code buffer}. */
  public void feed(ByteBuffer buffer) {
    while (buffer.hasRemaining()) {
      byte b = buffer.get();
      if (b == '\n') {
        if (skipLf) {
          skipLf = false;
          continue;
        }
        emit();
      } else if (b == '\r') {
        emit();
        skipLf = true;
      } else {
        skipLf = false;
        append(b);
      }
    }
  }

  /** Consumes a byte array slice; a convenience for tests and replay. */
  public void feed(byte[] bytes, int offset, int len) {
    feed(ByteBuffer.wrap(bytes, offset, len));
  }

  /** Ends the input: an unterminated last line is emitted as a line. */
  public void finish() {
    if (length > 0) {
      emit();
    }
    skipLf = false;
  }

  /** Bytes of the current, unterminated line. */
  public int pendingBytes() {
    return length;
  }

  private void append(byte b) {
    if (length == line.length) {
      if (length >= maxLineBytes) {
        length = 0;
        throw new AiException(
            AiException.Reason.PROTOCOL,
            "line longer than " + maxLineBytes + " bytes: not a token stream");
      }
      line = Arrays.copyOf(line, Math.min(maxLineBytes, length * 2));
    }
    line[length++] = b;
  }

  private void emit() {
    int len = length;
    length = 0;
    sink.line(line, 0, len);
  }
}
