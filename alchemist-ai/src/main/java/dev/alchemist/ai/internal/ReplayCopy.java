package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The text of a shared answer kept for late subscribers, as the token list when recording for the
 * response cache, else as text, while it is at most {@code maxPendingBytes}; once the answer
 * outgrows that the copy is dropped for good. Separate from {@link StreamHub} because this bound
 * and what follows from it (who may still join, what may be cached) are a rule of their own. Not
 * thread-safe: the hub calls it under its lock.
 */
final class ReplayCopy {
  private final int maxBytes;
  // Both null once dropped; when recording, the token list is the copy and the text is joined on
  // demand.
  private @Nullable StringBuilder text;
  private @Nullable List<String> recorded;
  private long bytes;
  private boolean dropped;

  ReplayCopy(int maxBytes, boolean record) {
    this.maxBytes = maxBytes;
    this.recorded = record ? new ArrayList<>() : null;
    this.text = record ? null : new StringBuilder(0);
  }

  /** Appends a token, or drops the copy once it outgrows the bound. */
  void add(String token) {
    if (dropped) {
      return;
    }
    bytes += Utf8.length(token);
    if (bytes > maxBytes) {
      dropped = true;
      text = null;
      recorded = null;
    } else if (recorded != null) {
      recorded.add(token);
    } else if (text != null) {
      text.append(token);
    }
  }

  /** Whether the copy was dropped: a late subscriber can no longer be given the whole text. */
  boolean dropped() {
    return dropped;
  }

  /** The text so far, for a late subscriber's first chunk. */
  CharSequence soFar() {
    List<String> tokens = recorded;
    StringBuilder kept = text;
    return tokens != null ? String.join("", tokens) : kept != null ? kept : "";
  }

  /** The recorded tokens; empty when not recording or dropped. */
  List<String> recordedTokens() {
    return recorded == null ? List.of() : List.copyOf(recorded);
  }

  /** Whether {@link #recordedTokens()} holds the whole answer so far. */
  boolean recordedInFull() {
    return recorded != null;
  }

  /** UTF-8 bytes kept; 0 once dropped. */
  int bytes() {
    return dropped ? 0 : (int) bytes;
  }

  /** The failure of a subscriber that arrives after the copy was dropped. */
  AiException lost() {
    return new AiException(
        AiException.Reason.OVERFLOW,
        "a late subscriber cannot be given the answer so far: it outgrew maxPendingBytes ("
            + maxBytes
            + "), the most a stream keeps for late subscribers; subscribe earlier or raise"
            + " maxPendingBytes");
  }
}
