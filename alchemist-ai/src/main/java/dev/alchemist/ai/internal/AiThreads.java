package dev.alchemist.ai.internal;

import dev.alchemist.core.internal.DaemonThreads;
import dev.alchemist.core.internal.SharedScheduler;
import java.util.concurrent.Executor;

/**
 * The default threads of the AI module beside the JVM-wide timer ({@link SharedScheduler#get()},
 * which runs every stream's timeouts, retry delays and chunk flush timers): the pool that delivers
 * flushed chunks, so that a subscriber's code never runs on the timer, and the simulated model's
 * token timer. Both are created on first use, of daemon threads.
 */
public final class AiThreads {
  private AiThreads() {}

  /**
   * The default executor for chunks released by a flush timer: a fixed pool of {@code max(4, 2 x
   * cores)} daemon threads. A subscriber that blocks in {@code onNext} holds one of its threads,
   * never the shared timer, so it cannot stop another stream's flushes. The pool is bounded: a
   * cached pool grows a thread for every stream delivering at the same moment, which with a
   * thousand streams on two cores costs more in threads and switches than the flushes themselves.
   * Hosts whose subscribers block give the streamer an executor of their own.
   */
  public static Executor delivery() {
    return DeliveryHolder.POOL;
  }

  private static final class DeliveryHolder {
    static final Executor POOL =
        DaemonThreads.fixedPool(
            "alchemist-ai-delivery", Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
  }

  /**
   * The default token clock of {@code SimulatedChatModel}: one daemon thread of its own turning a
   * {@link TokenWheel}, so that a simulated model server's work stays off the SDK's timer, as a
   * real server's does.
   */
  static TokenWheel simulatedModel() {
    return SimulatedHolder.WHEEL;
  }

  private static final class SimulatedHolder {
    static final TokenWheel WHEEL = new TokenWheel("alchemist-ai-simulated-model-1");
  }
}
