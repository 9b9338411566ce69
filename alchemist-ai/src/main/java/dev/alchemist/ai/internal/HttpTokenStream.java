package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import dev.alchemist.ai.ChatRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One streamed model call over the JDK HttpClient's async API. The response body is read by a
 * demand-driven {@link HttpResponse.BodySubscriber}: one buffer list is requested at a time, and
 * only when the token queue is empty and the subscriber wants more (or no token has arrived yet),
 * so a slow consumer slows the socket instead of filling memory: what is read but not delivered is
 * at most two socket reads' tokens (the next read is asked for when the queue empties, possibly
 * while the current one is still being decoded), plus the HttpClient's and the kernel's buffers.
 * Failures before the first token are retried (bounded, exponential backoff with jitter, {@code
 * retry-after} honoured up to a cap); after it they end the stream. Cancelling cancels the body
 * subscription (which closes the connection) or the pending exchange.
 */
final class HttpTokenStream extends AbstractTokenStream {
  /** How long the rest of a body is read after the end marker before the exchange is closed. */
  static final long END_OF_BODY_WAIT_MILLIS = 1_000;

  private final HttpChatClient client;
  private final ChatRequest request;
  private final byte[] body;
  private volatile @Nullable Attempt current;
  private int attempts;

  HttpTokenStream(HttpChatClient client, ChatRequest request, byte[] body) {
    super(
        request.model(),
        client.metrics,
        client.settings.timeouts(),
        client.scheduler,
        client.settings.ticker(),
        client.settings.listener());
    this.client = client;
    this.request = request;
    this.body = body;
  }

  @Override
  protected void start() {
    client.opened(this);
    summary().whenComplete((s, e) -> client.closed(this));
    newAttempt();
  }

  @Override
  protected void requestMore() {
    Attempt a = current;
    if (a != null) {
      a.pull();
    }
  }

  @Override
  protected void release() {
    Attempt a = current;
    if (a != null) {
      a.abort();
    }
  }

  void closeFromOwner() {
    cancel();
  }

  private void newAttempt() {
    if (isDone()) {
      return;
    }
    Attempt a = new Attempt(++attempts);
    current = a;
    a.send();
  }

  /** An attempt failed; retry if nothing was delivered yet and the failure is transient. */
  void attemptFailed(Attempt a, AiException failure) {
    if (a != current || isDone()) {
      return;
    }
    a.abort();
    int retry = a.number;
    if (tokens() == 0 && failure.reason().retryable() && retry <= client.settings.maxRetries()) {
      long backoff = client.settings.initialBackoff().toMillis() << (retry - 1);
      long delay = ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
      Duration hint = failure.retryAfter().orElse(null);
      if (hint != null) {
        if (hint.compareTo(client.settings.maxRetryAfter()) > 0) {
          fail(failure);
          return;
        }
        delay = Math.max(delay, hint.toMillis());
      }
      long remaining = timeouts.firstToken().toNanos() - elapsedNanos();
      if (TimeUnit.MILLISECONDS.toNanos(delay) < remaining) {
        client.retrying(model, retry, failure, delay);
        try {
          scheduler.schedule(this::newAttempt, delay, TimeUnit.MILLISECONDS);
          return;
        } catch (RejectedExecutionException e) {
          // no scheduler to wait on: fail with the original cause below
        }
      }
    }
    fail(failure);
  }

  /** One HTTP exchange and its body subscriber. Wire events from stale attempts are ignored. */
  final class Attempt implements HttpResponse.BodySubscriber<Void>, WireListener {
    final int number;
    private final WireDecoder decoder = client.decoders.apply(this);
    private final AtomicBoolean aborted = new AtomicBoolean();
    private final AtomicBoolean pulling = new AtomicBoolean();
    private volatile Flow.@Nullable Subscription upstream;
    private volatile @Nullable CompletableFuture<HttpResponse<Void>> exchange;
    private volatile boolean sawDone;
    private volatile @Nullable ScheduledFuture<?> endOfBodyWait;

    Attempt(int number) {
      this.number = number;
    }

    void send() {
      CompletableFuture<HttpResponse<Void>> f =
          client.http.sendAsync(client.request(body), this::handler);
      exchange = f;
      f.whenComplete(
          (resp, ex) -> {
            if (ex != null && !aborted.get()) {
              attemptFailed(this, client.mapThrowable(ex, model));
            }
          });
      if (aborted.get()) {
        f.cancel(true);
      }
    }

    private HttpResponse.BodySubscriber<Void> handler(HttpResponse.ResponseInfo info) {
      if (info.statusCode() == 200) {
        firstByte();
        String type = info.headers().firstValue("content-type").orElse("");
        if (!client.readableContentType(type)) {
          return HttpResponse.BodySubscribers.mapping(
              HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
              text -> {
                attemptFailed(
                    this,
                    new AiException(
                        AiException.Reason.PROTOCOL,
                        client.settings.provider()
                            + " model "
                            + model
                            + ": expected text/event-stream but got "
                            + type
                            + ": "
                            + client.redact(HttpChatClient.abbreviate(text))));
                return null;
              });
        }
        return this;
      }
      // Read the (small) error body, then map the status; never handed to the subscriber.
      return HttpResponse.BodySubscribers.mapping(
          HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8),
          text -> {
            attemptFailed(this, client.mapStatus(info.statusCode(), info.headers(), text, model));
            return null;
          });
    }

    /** Ask the socket for the next buffers, unless a request is already outstanding. */
    void pull() {
      Flow.Subscription s = upstream;
      if (s != null && !aborted.get() && pulling.compareAndSet(false, true)) {
        s.request(1);
      }
    }

    void abort() {
      if (aborted.compareAndSet(false, true)) {
        Flow.Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        CompletableFuture<?> f = exchange;
        if (f != null) {
          f.cancel(true);
        }
      }
    }

    @Override
    public CompletionStage<Void> getBody() {
      // The response future completes at once; the stream itself reports through the listener.
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      upstream = subscription;
      if (aborted.get()) {
        subscription.cancel();
        return;
      }
      // The first read goes out through the demand check like every other (requestMore -> pull).
      wantMore();
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      pulling.set(false);
      if (aborted.get()) {
        return;
      }
      try {
        for (ByteBuffer b : buffers) {
          if (aborted.get() || sawDone) {
            break;
          }
          decoder.feed(b);
        }
      } catch (AiException e) {
        attemptFailed(this, e);
        return;
      }
      if (sawDone) {
        pull(); // the answer is whole: read (and discard) on to the end of the body
        return;
      }
      // Ask for more bytes only if every token found so far has been taken and more are wanted.
      wantMore();
    }

    @Override
    public void onError(Throwable throwable) {
      cancelEndOfBodyWait();
      if (aborted.get() || sawDone) {
        return;
      }
      attemptFailed(
          this,
          new AiException(
              AiException.Reason.STREAM,
              client.settings.provider()
                  + " model "
                  + model
                  + ": connection lost mid-stream ("
                  + client.redact(String.valueOf(throwable.getMessage()))
                  + ")",
              throwable));
    }

    @Override
    public void onComplete() {
      cancelEndOfBodyWait();
      if (aborted.get() || sawDone) {
        return; // after the end marker the stream is already complete
      }
      try {
        decoder.finish();
      } catch (AiException e) {
        attemptFailed(this, e);
        return;
      }
      // finish() reads an unterminated last NDJSON line, which may be the end marker.
      if (!sawDone) {
        attemptFailed(
            this,
            new AiException(
                AiException.Reason.STREAM,
                client.settings.provider()
                    + " model "
                    + model
                    + ": stream ended without its end marker (truncated)"));
      }
    }

    // ---- wire events ----

    @Override
    public void token(String text) {
      if (current == this && !sawDone && !aborted.get()) {
        HttpTokenStream.this.token(text);
      }
    }

    @Override
    public void finishReason(String reason) {
      if (!sawDone) {
        finishReason = reason;
      }
    }

    @Override
    public void usage(long prompt, long completion) {
      if (!sawDone) {
        promptTokens = prompt;
        completionTokens = completion;
      }
    }

    @Override
    public void loadDuration(long nanos) {
      if (!sawDone) {
        loadDuration = Duration.ofNanos(nanos);
      }
    }

    /**
     * The end marker completes the stream at once, whether or not the body ends: servers may keep
     * the connection open after it. The rest of the body is still read, so that a body ending right
     * after the marker leaves its connection reusable, but for {@link #END_OF_BODY_WAIT_MILLIS} at
     * most; then the exchange is closed.
     */
    @Override
    public void done() {
      if (sawDone || current != this || aborted.get()) {
        return;
      }
      sawDone = true;
      complete();
      try {
        endOfBodyWait =
            scheduler.schedule(this::abort, END_OF_BODY_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        abort();
      }
    }

    private void cancelEndOfBodyWait() {
      ScheduledFuture<?> w = endOfBodyWait;
      if (w != null) {
        w.cancel(false);
      }
    }

    @Override
    public void error(AiException error) {
      attemptFailed(
          this,
          new AiException(
              tokens() == 0 ? AiException.Reason.SERVER : AiException.Reason.STREAM,
              client.settings.provider()
                  + " model "
                  + model
                  + ": "
                  + client.redact(error.getMessage())));
    }

    @Override
    public void skipped(String why) {
      client.skipped(model, why);
    }
  }
}
