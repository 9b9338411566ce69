package dev.alchemist.ai.internal;

import java.util.concurrent.Flow;

/**
 * A subscription that ignores everything, for rejected subscribers: the Reactive Streams rules want
 * {@code onSubscribe} before {@code onError}. Shared by the token streams that refuse a second
 * subscriber.
 */
enum NoopSubscription implements Flow.Subscription {
  INSTANCE;

  @Override
  public void request(long n) {}

  @Override
  public void cancel() {}
}
