package dev.alchemist.bench.ai;

import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.SimulatedChatModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Memory per idle open stream: opens N chunked streams over the simulated model whose first token
 * is an hour away (so each holds its subscription, chunker, token stream and watchdog timer), and
 * divides the retained heap growth by N. Run: {@code java -cp benchmarks.jar
 * dev.alchemist.bench.ai.IdleStreamMemory [N]}.
 */
public final class IdleStreamMemory {
  private IdleStreamMemory() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ChatStreamer chat =
        ChatStreamer.builder()
            .model(
                SimulatedChatModel.builder()
                    .firstTokenLatency(Duration.ofHours(1))
                    .meterRegistry(registry)
                    .build())
            .meterRegistry(registry)
            .build()) {
      // Warm the classes and meters so they do not count as per-stream memory.
      open(chat, 100).forEach(ChunkStream::cancel);
      long before = usedAfterGc();
      List<ChunkStream> streams = open(chat, n);
      long after = usedAfterGc();
      System.out.printf(
          "idle open streams: %d, retained heap: %d KiB, per stream: %d bytes%n",
          n, (after - before) / 1024, (after - before) / n);
      streams.forEach(ChunkStream::cancel);
    }
  }

  private static List<ChunkStream> open(ChatStreamer chat, int n) {
    List<ChunkStream> streams = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ChunkStream s = chat.stream(ChatRequest.of("sim", "question " + (i % 10)));
      s.subscribe(
          new Flow.Subscriber<String>() {
            @Override
            public void onSubscribe(Flow.Subscription sub) {
              sub.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String item) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
          });
      streams.add(s);
    }
    return streams;
  }

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      Runtime rt = Runtime.getRuntime();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
