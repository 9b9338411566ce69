package dev.alchemist.bench.ai;

import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.SimulatedChatModel;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N concurrent simulated streams through the chunker on one shared timer thread: reports tokens/s
 * delivered and the p99 of the latency buffering adds ({@code alchemist.ai.buffer.delay}) and of
 * first-chunk time. Run: {@code java -cp benchmarks.jar dev.alchemist.bench.ai.ConcurrentStreams
 * [streams] [tokensPerSecondPerStream] [seconds]}.
 */
public final class ConcurrentStreams {
  private ConcurrentStreams() {}

  public static void main(String[] args) throws Exception {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    double rate = args.length > 1 ? Double.parseDouble(args[1]) : 50;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int tokensPerAnswer = (int) (rate * seconds);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                return DistributionStatisticConfig.builder()
                    .percentiles(0.5, 0.99)
                    .expiry(Duration.ofMinutes(5))
                    .bufferLength(1)
                    .build()
                    .merge(config);
              }
            });
    AtomicLong chars = new AtomicLong();
    CountDownLatch done = new CountDownLatch(streams);
    try (ChatStreamer chat =
        ChatStreamer.builder()
            .model(
                SimulatedChatModel.builder()
                    .firstTokenLatency(Duration.ofMillis(100))
                    .tokensPerSecond(rate)
                    .tokensPerAnswer(tokensPerAnswer)
                    .meterRegistry(registry)
                    .build())
            .meterRegistry(registry)
            .build()) {
      long start = System.nanoTime();
      for (int i = 0; i < streams; i++) {
        ChunkStream s = chat.stream(ChatRequest.of("sim", "question " + i));
        s.subscribe(
            new Flow.Subscriber<String>() {
              @Override
              public void onSubscribe(Flow.Subscription sub) {
                sub.request(Long.MAX_VALUE);
              }

              @Override
              public void onNext(String item) {
                chars.addAndGet(item.length());
              }

              @Override
              public void onError(Throwable t) {
                done.countDown();
              }

              @Override
              public void onComplete() {
                done.countDown();
              }
            });
      }
      if (!done.await(seconds * 3L + 30, TimeUnit.SECONDS)) {
        System.out.println("WARNING: not every stream finished in time");
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      double tokens = registry.get("alchemist.ai.tokens").counter().count();
      Timer delay = registry.get("alchemist.ai.buffer.delay").timer();
      Timer first = registry.get("alchemist.ai.first.chunk").timer();
      System.out.printf(
          "streams=%d rate/stream=%.0f tok/s cores=%d elapsed=%.1fs tokens=%.0f -> %.0f tokens/s,"
              + " chunks=%d%n",
          streams,
          rate,
          Runtime.getRuntime().availableProcessors(),
          elapsed,
          tokens,
          tokens / elapsed,
          delay.count());
      System.out.printf("buffer delay: %s | first chunk: %s%n", pct(delay), pct(first));
    }
  }

  private static String pct(Timer t) {
    StringBuilder sb = new StringBuilder();
    for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
      sb.append(
          String.format("p%.0f=%.2fms ", v.percentile() * 100, v.value(TimeUnit.MILLISECONDS)));
    }
    return sb.append(String.format("max=%.2fms", t.max(TimeUnit.MILLISECONDS))).toString();
  }
}
