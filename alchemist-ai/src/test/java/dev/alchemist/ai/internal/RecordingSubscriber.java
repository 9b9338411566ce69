package dev.alchemist.ai.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * Records what it receives; requests {@code initial} at subscription and nothing more by itself.
 */
public final class RecordingSubscriber implements Flow.Subscriber<String> {
  public final List<String> items = new CopyOnWriteArrayList<>();
  public final CompletableFuture<Void> done = new CompletableFuture<>();
  public volatile Flow.@Nullable Subscription subscription;
  public volatile @Nullable Throwable error;
  public volatile boolean completed;
  private final long initial;
  private final boolean requestOneEach;
  private boolean cancelAtOnce;

  private RecordingSubscriber(long initial, boolean requestOneEach) {
    this.initial = initial;
    this.requestOneEach = requestOneEach;
  }

  /** Cancels from inside {@code onSubscribe}, before requesting anything. */
  public static RecordingSubscriber cancellingInOnSubscribe() {
    RecordingSubscriber s = new RecordingSubscriber(0, false);
    s.cancelAtOnce = true;
    return s;
  }

  /** Requests everything up front. */
  public static RecordingSubscriber unbounded() {
    return new RecordingSubscriber(Long.MAX_VALUE, false);
  }

  /** Requests nothing until the test calls {@link #request(long)}. */
  public static RecordingSubscriber manual() {
    return new RecordingSubscriber(0, false);
  }

  /** Requests one item at a time, the next one after each arrival. */
  public static RecordingSubscriber oneByOne() {
    return new RecordingSubscriber(1, true);
  }

  public void request(long n) {
    subscription.request(n);
  }

  public void cancel() {
    subscription.cancel();
  }

  public String text() {
    return String.join("", items);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (cancelAtOnce) {
      s.cancel();
      return;
    }
    if (initial > 0) {
      s.request(initial);
    }
  }

  @Override
  public void onNext(String item) {
    items.add(item);
    if (requestOneEach) {
      subscription.request(1);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    error = throwable;
    done.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    completed = true;
    done.complete(null);
  }
}
