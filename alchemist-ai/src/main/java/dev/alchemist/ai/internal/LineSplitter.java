package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Splits a byte stream into lines at {@code \n}, {@code \r\n} or a lone {@code \r} (the SSE rules;
 * NDJSON's {@code \n} is a subset), however the bytes are split into buffers. A line is handed to
 * the sink as a slice of an internal array that is reused for the next line, so splitting allocates
 * nothing once the array has grown to the longest line. A UTF-8 byte order mark at the very start
 * of the input is dropped (the event-stream rules say so; for NDJSON it is not part of the first
 * JSON text either), even when its three bytes arrive in different buffers. Not thread-safe: one
 * per stream.
 */
public final class LineSplitter {
  /** Receives each complete line, without its terminator. The slice is valid during the call. */
  @FunctionalInterface
  public interface LineSink {
    void line(byte[] bytes, int offset, int length);
  }

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final LineSink sink;
  private final int maxLineBytes;
  private byte[] line = new byte[256];
  private int length;
  private boolean skipLf;

  /** Bytes of a leading byte order mark matched so far; -1 once the input's start is past. */
  private int bomMatched;

  public LineSplitter(LineSink sink, int maxLineBytes) {
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
  }

  /** Consumes every remaining byte of {@code buffer}. */
  public void feed(ByteBuffer buffer) {
    while (buffer.hasRemaining()) {
      byte b = buffer.get();
      if (bomMatched >= 0 && startOfInput(b)) {
        continue;
      }
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
    if (bomMatched > 0) {
      unmatchBom();
    }
    if (length > 0) {
      emit();
    }
    skipLf = false;
  }

  /** Bytes of the current, unterminated line. */
  public int pendingBytes() {
    return length;
  }

  /** Whether {@code b} was taken as part of a leading byte order mark. */
  private boolean startOfInput(byte b) {
    if (b == BOM[bomMatched]) {
      bomMatched = bomMatched == BOM.length - 1 ? -1 : bomMatched + 1;
      return true;
    }
    unmatchBom();
    return false;
  }

  /** The input began with part of a byte order mark only: those bytes are content. */
  private void unmatchBom() {
    int held = bomMatched;
    bomMatched = -1;
    for (int i = 0; i < held; i++) {
      append(BOM[i]);
    }
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
