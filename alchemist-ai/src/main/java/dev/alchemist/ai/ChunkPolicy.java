package dev.alchemist.ai;

import dev.alchemist.core.Checks;
import java.time.Duration;

/**
 * When buffered tokens become a chunk. A chunk is released when {@link #maxTokens()} tokens are
 * pending, when a token holds a newline ({@link #flushOnNewline()}), or {@link #maxDelay()} after
 * the oldest pending token arrived; the very first token goes out alone at once ({@link
 * #firstTokenImmediate()}), so buffering adds nothing to time-to-first-chunk.
 *
 * <p>A released chunk waits for subscriber demand; tokens arriving meanwhile are merged into it, so
 * a slow subscriber receives fewer, larger chunks and never loses text. The merged text is bounded
 * by {@link #maxPendingBytes()} (UTF-8): the stream asks the model for more only while some
 * subscriber is below it, so a lone slow subscriber pauses the model stream (and its socket)
 * instead of failing. In fan-out, a subscriber that is already at the bound when a token arrives
 * for a faster one fails with {@link AiException.Reason#OVERFLOW} and its share of the model call
 * is cancelled (the model call itself stops when no subscriber is left). The same bound caps the
 * text a stream keeps for late subscribers and for the response cache. Text is never dropped
 * silently.
 *
 * @param maxTokens tokens per chunk, 1 to 4096 (the guide uses 5)
 * @param flushOnNewline whether a newline ends a chunk
 * @param maxDelay the longest a token waits for company, 1 ms to 10 s
 * @param firstTokenImmediate whether the first token is its own chunk
 * @param maxPendingBytes the most UTF-8 bytes held for a subscriber without demand (one token may
 *     cross it), and the most a stream keeps for late subscribers; 1 KiB to 64 MiB
 */
public record ChunkPolicy(
    int maxTokens,
    boolean flushOnNewline,
    Duration maxDelay,
    boolean firstTokenImmediate,
    int maxPendingBytes) {

  /** 5 tokens, newline flush, 50 ms, first token immediate, 1 MiB pending. */
  public static final ChunkPolicy DEFAULTS =
      new ChunkPolicy(5, true, Duration.ofMillis(50), true, 1 << 20);

  /** Every token its own chunk (no buffering); merging under back-pressure still applies. */
  public static final ChunkPolicy PER_TOKEN =
      new ChunkPolicy(1, true, Duration.ofMillis(1), true, 1 << 20);

  public ChunkPolicy {
    Checks.inRange("maxTokens", maxTokens, 1, 4096);
    Checks.positive("maxDelay", maxDelay, Duration.ofSeconds(10));
    if (maxDelay.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("maxDelay must be >= PT0.001S but was " + maxDelay);
    }
    Checks.inRange("maxPendingBytes", maxPendingBytes, 1024, 64 << 20);
  }

  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link ChunkPolicy}; setters validate; not thread-safe; reusable. */
  public static final class Builder {
    private int maxTokens;
    private boolean flushOnNewline;
    private Duration maxDelay;
    private boolean firstTokenImmediate;
    private int maxPendingBytes;

    private Builder(ChunkPolicy from) {
      maxTokens = from.maxTokens;
      flushOnNewline = from.flushOnNewline;
      maxDelay = from.maxDelay;
      firstTokenImmediate = from.firstTokenImmediate;
      maxPendingBytes = from.maxPendingBytes;
    }

    public Builder maxTokens(int maxTokens) {
      this.maxTokens = (int) Checks.inRange("maxTokens", maxTokens, 1, 4096);
      return this;
    }

    public Builder flushOnNewline(boolean flush) {
      this.flushOnNewline = flush;
      return this;
    }

    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = Checks.positive("maxDelay", maxDelay, Duration.ofSeconds(10));
      return this;
    }

    public Builder firstTokenImmediate(boolean immediate) {
      this.firstTokenImmediate = immediate;
      return this;
    }

    public Builder maxPendingBytes(int bytes) {
      this.maxPendingBytes = (int) Checks.inRange("maxPendingBytes", bytes, 1024, 64 << 20);
      return this;
    }

    public ChunkPolicy build() {
      return new ChunkPolicy(
          maxTokens, flushOnNewline, maxDelay, firstTokenImmediate, maxPendingBytes);
    }
  }
}
