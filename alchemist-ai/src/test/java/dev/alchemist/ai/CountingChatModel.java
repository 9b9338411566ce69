package dev.alchemist.ai;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model that counts the streams asked of it in {@code calls} and leaves the answers to {@code
 * inner}; for tests that check whether a request reached the model or was served by the cache or a
 * running call.
 */
final class CountingChatModel implements ChatModel {
  private final ChatModel inner;
  private final AtomicInteger calls;

  CountingChatModel(ChatModel inner, AtomicInteger calls) {
    this.inner = inner;
    this.calls = calls;
  }

  @Override
  public TokenStream stream(ChatRequest request) {
    calls.incrementAndGet();
    return inner.stream(request);
  }

  @Override
  public String provider() {
    return inner.provider();
  }

  @Override
  public void close() {
    inner.close();
  }
}
