package dev.alchemist.ai.internal;

import dev.alchemist.ai.AiException;
import dev.alchemist.ai.AiListener;
import dev.alchemist.ai.StreamTimeouts;
import dev.alchemist.core.flow.FakeScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A token stream the test drives by hand; records how often it was asked for more or released. */
public final class ManualTokenStream extends AbstractTokenStream {
  public int starts;
  public int releases;
  public int pulls;

  public ManualTokenStream(FakeScheduler scheduler) {
    super(
        "manual-model",
        new StreamMetrics(new SimpleMeterRegistry(), "manual"),
        StreamTimeouts.DEFAULTS,
        scheduler,
        scheduler.ticker(),
        AiListener.NONE);
  }

  public void push(String... tokens) {
    for (String t : tokens) {
      token(t);
    }
  }

  public void finish() {
    complete();
  }

  /** Reports progress without a token (a socket read that held part of a line). */
  public void wantMoreNow() {
    wantMore();
  }

  public void failWith(AiException e) {
    fail(e);
  }

  @Override
  protected void start() {
    starts++;
  }

  @Override
  protected void requestMore() {
    pulls++;
  }

  @Override
  protected void release() {
    releases++;
  }
}
