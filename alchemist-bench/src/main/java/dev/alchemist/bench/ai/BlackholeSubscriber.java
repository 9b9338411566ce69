package dev.alchemist.bench.ai;

import java.util.concurrent.Flow;
import org.openjdk.jmh.infra.Blackhole;

/** Requests everything and hands each chunk to the blackhole. */
final class BlackholeSubscriber implements Flow.Subscriber<String> {
  private final Blackhole bh;
  long chunks;

  BlackholeSubscriber(Blackhole bh) {
    this.bh = bh;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(String item) {
    chunks++;
    bh.consume(item);
  }

  @Override
  public void onError(Throwable t) {
    bh.consume(t);
  }

  @Override
  public void onComplete() {}
}
