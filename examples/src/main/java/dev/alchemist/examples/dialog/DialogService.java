package dev.alchemist.examples.dialog;

import dev.alchemist.ai.ChatMessage;
import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.OllamaChatModel;
import dev.alchemist.ai.OpenAiChatModel;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.DomainStats;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.core.flow.KeyedDebouncer;
import dev.alchemist.examples.dialog.AnswerReader.Answer;
import dev.alchemist.metrics.AlchemistMetrics;
import dev.alchemist.metrics.MetricsEndpoint;
import dev.alchemist.metrics.MetricsEndpointSettings;
import dev.alchemist.metrics.RequestTracker;
import dev.alchemist.store.WriterOverloadedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dialog service assembled from every Alchemist module. One {@link #turn} is what a chat backend
 * does when a user sends a message:
 *
 * <ol>
 *   <li>admit the turn or refuse it at once ({@link TurnRejectedException}, HTTP 429) when too many
 *       messages wait for the store;
 *   <li>persist the user's message through the store's batching writer ({@link DialogStore}), its
 *       {@code message.created} event in the transactional outbox of the same transaction;
 *   <li>read the dialog history through the cache ({@link CachePolicy#DIALOG_HISTORY}, loaded from
 *       the repository's {@code lastN} on a miss: {@link DialogHistories});
 *   <li>stream the model's answer through {@link ChatStreamer} (buffered chunks), previewing it per
 *       dialog through a {@link KeyedDebouncer} ({@link AnswerReader});
 *   <li>persist the answer and write the new history back to the cache;
 *   <li>the domain events ({@code <root>.dialog.message.created}, {@code
 *       <root>.dialog.reply.completed}) commit with their messages in the outbox; the store's
 *       outbox relay publishes them on the event bus ({@link DialogEvents}), so a crash between
 *       commit and publish loses none;
 *   <li>the live dashboard (events received, messages, chunks streamed, turns in flight) is
 *       re-rendered through a {@link DebouncedUpdater} on every event and chunk, at most 60
 *       frames/s ({@link LiveDashboard});
 *   <li>every step is tracked by the {@link RequestTracker} (operations {@code dialog.open}, {@code
 *       dialog.post}, within it {@code dialog.persist} and {@code dialog.history}, then {@code
 *       model.reply} and {@code dialog.save}).
 * </ol>
 *
 * <p>{@code dialog.post} is the dialog API call a client waits for: persist, history, request the
 * stream. Each part runs embedded unless {@link DialogOptions} names a real service.
 *
 * <p>Thread-safe: turns of many dialogs run at once. The dialog API's steps (the batched commit,
 * the cache read, the model call) are asynchronous and park no thread; what blocks (a history load
 * after a cache miss, a publish under JetStream back-pressure) runs on a bounded pool ({@link
 * DialogPools}), so there is no thread per dialog. {@link #close()} flushes the writer and the
 * dashboard, closes every part, and, with {@link DialogOptions#cleanup()}, drops the stream, the
 * cache keys and the schema it made.
 */
public final class DialogService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DialogService.class);

  /** Time from a step's hand-off to the worker pool until a worker starts it. */
  public static final String WORKER_WAIT_TIMER = "dialog.worker.wait";

  /**
   * Turns refused at once with {@link TurnRejectedException} (HTTP 429), tagged {@code
   * reason=store_busy|writer_full}.
   */
  public static final String REJECTED_COUNTER = "alchemist.dialog.turns.rejected";

  /**
   * Timers of other libraries the report reads quantiles of: HikariCP's wait for a pool connection
   * and the JVM's GC pauses.
   */
  public static final List<String> TAIL_TIMERS =
      List.of("hikaricp.connections.acquire", "jvm.gc.pause");

  /** Messages kept in a cached history and sent to the model as context. */
  public static final int HISTORY_LIMIT = 20;

  private final DialogOptions options;
  private final Parts parts = new Parts();
  private final DialogCounters counters = new DialogCounters();
  private final AlchemistMetrics metrics;
  private final RequestTracker tracker;
  private final LiveDashboard dashboard;
  private final DialogPools pools;
  private final Executor steps;
  private final DialogStore store;
  private final AutoCloseable projection;
  private final DialogHistories histories;
  private final DialogEvents events;
  private final ChatStreamer streamer;
  private final Counter rejectedStoreBusy;
  private final Counter rejectedWriterFull;
  private boolean closed;

  private DialogService(DialogOptions options, @Nullable ScheduledExecutorService storeScheduler) {
    this.options = options;
    try {
      // Histograms for the pool's connection wait and the GC pauses too, so that the report breaks
      // the tail down into them like the SDK's own timers: configured before any meter registers.
      PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      own.config().meterFilter(histograms(TAIL_TIMERS));
      parts.add(own::close); // closed after the metrics, which leave a given registry open
      metrics =
          parts.add(
              AlchemistMetrics.builder()
                  .application("dialog-service")
                  .registry(own)
                  .endpoint(MetricsEndpointSettings.builder().port(options.metricsPort()).build())
                  .build());
      MeterRegistry registry = metrics.registry();
      tracker = metrics.tracker();
      // Created before everything that feeds it, so closed after it: an event or a chunk that
      // arrives during close() still finds the dashboard open.
      dashboard = parts.add(new LiveDashboard(metrics, counters));
      pools = parts.add(new DialogPools(registry));
      steps = pools.steps();
      // Before the store, so closed after it: the store's close() relays its last events to it.
      events = parts.add(new DialogEvents(options, registry, counters, dashboard));
      store =
          parts.add(
              new DialogStore(
                  options, registry, counters, events.relayPublisher(), storeScheduler));
      // After the store, so closed before it: events into the events table and domain_stats.
      projection = parts.add(events.projectInto(store));
      // What the dashboard shows of domain_stats, read once a second (cheap: the rollups).
      ScheduledExecutorService statsReader =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "dialog-domain-stats");
                t.setDaemon(true);
                return t;
              });
      parts.add(statsReader::shutdownNow);
      statsReader.scheduleWithFixedDelay(this::readDomainStats, 1, 1, TimeUnit.SECONDS);
      histories =
          parts.add(new DialogHistories(options, registry, store, pools.blocking(), counters));
      rejectedStoreBusy = rejected(registry, TurnRejectedException.Reason.STORE_BUSY);
      rejectedWriterFull = rejected(registry, TurnRejectedException.Reason.WRITER_FULL);
      streamer =
          parts.add(
              ChatStreamer.builder()
                  .model(model(options, registry))
                  .meterRegistry(registry)
                  .build());
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /**
   * Builds every part and connects to the services {@code options} names.
   *
   * @throws RuntimeException (an {@code AlchemistException} naming the address) if a service cannot
   *     be reached
   */
  public static DialogService start(DialogOptions options) {
    return new DialogService(options, null);
  }

  /**
   * As {@link #start(DialogOptions)}, with the store's writers draining on {@code storeScheduler}
   * (left open at close): a test blocks it to hold every batch back.
   */
  static DialogService start(DialogOptions options, ScheduledExecutorService storeScheduler) {
    return new DialogService(options, storeScheduler);
  }

  /**
   * Opens a dialog for {@code userId}: its row through the dialog writer (batched), its empty
   * history through the cache, one event. Blocks no thread; the future completes once the row is
   * committed, so the dialog's messages may follow.
   */
  public CompletableFuture<Dialog> open(String userId) {
    Dialog dialog = Dialog.open(userId, "Chat of " + userId, Instant.now());
    return tracker.trackAsync(
        "dialog.open",
        () ->
            store
                .open(dialog, DialogEvents.event(dialog, "dialog", "opened", "{}"))
                .thenComposeAsync(
                    v -> {
                      counters.dialogsOpened.increment();
                      // Write-through: a new dialog's history is known to be empty, so its first
                      // turn finds it in the cache instead of querying the store for nothing.
                      return histories.put(DialogHistory.empty(dialog.id()));
                    },
                    steps)
                .thenApply(v -> dialog));
  }

  /** The worker pool for blocking steps; the load driver schedules its users on it. */
  public ExecutorService workers() {
    return pools.blockingPool();
  }

  /**
   * One turn: the user says {@code text}, the model answers. The future completes when the answer
   * and its events are committed (the outbox relay publishes them after); it fails if any step
   * failed (also counted in {@link DialogStats#errors()}).
   *
   * <p>Admission: when {@link DialogOptions#maxStoreWaiting()} user messages already wait for their
   * commit, or the writer's queue is full, the future fails at once with {@link
   * TurnRejectedException} (HTTP 429, counted in {@link DialogStats#turnsRejected()} and {@link
   * #REJECTED_COUNTER}): nothing of the turn is stored or published.
   */
  public CompletableFuture<Void> turn(Dialog dialog, String text) {
    UUID id = dialog.id();
    counters.turnStarted();
    Message user = Message.of(id, MessageRole.USER, text, Instant.now(), words(text));
    // No step of the dialog API parks a thread: the commit, the cache read and the model call are
    // asynchronous. The message's event commits with it in the outbox; the relay publishes it.
    AtomicReference<CompletableFuture<Void>> commit = new AtomicReference<>();
    CompletableFuture<Posted> posted =
        tracker.trackAsync(
            "dialog.post",
            () -> {
              CompletableFuture<Void> committed;
              try {
                committed = admit(dialog, user);
              } catch (TurnRejectedException rejected) {
                return CompletableFuture.failedFuture(rejected); // no commit to time
              }
              commit.set(committed);
              // With --ack-before-commit the post goes on once the message is queued; the answer
              // is saved only after that commit, so a failed one still fails the turn.
              CompletableFuture<Void> acked =
                  options.ackBeforeCommit() ? CompletableFuture.completedFuture(null) : committed;
              return tracker
                  .trackAsync("dialog.persist", () -> acked)
                  // Off the writer's thread, which completes every row of a batch in turn.
                  .thenComposeAsync(
                      v -> tracker.trackAsync("dialog.history", () -> histories.context(id, user)),
                      steps)
                  .thenApply(context -> new Posted(context, streamer.stream(request(context))));
            });
    return posted
        .thenCompose(
            p ->
                tracker
                    .trackAsync(
                        "model.reply", () -> AnswerReader.read(id, p.stream(), counters, dashboard))
                    .thenCompose(
                        answer ->
                            tracker.trackAsync(
                                "dialog.save",
                                () ->
                                    commit
                                        .get()
                                        .thenCompose(v -> save(dialog, p.context(), answer)))))
        .whenComplete((v, e) -> counters.turnEnded(e));
  }

  /**
   * Queues the user's message and its event to the writer, or refuses the turn.
   *
   * @return completes when they are committed
   * @throws TurnRejectedException when refused (counted), nothing queued
   */
  private CompletableFuture<Void> admit(Dialog dialog, Message user) {
    int limit = options.maxStoreWaiting();
    if (counters.admitToStore(limit) < 0) {
      rejectedStoreBusy.increment();
      throw new TurnRejectedException(
          TurnRejectedException.Reason.STORE_BUSY, counters.storeWaiting(), limit, null);
    }
    CompletableFuture<Void> commit =
        store.persist(
            user, DialogEvents.event(dialog, "message", "created", DialogEvents.payload(user)));
    if (commit.isCompletedExceptionally()) {
      Throwable failure = commit.handle((v, e) -> e).join();
      Throwable root =
          failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause()
              : failure;
      if (root instanceof WriterOverloadedException full) {
        counters.leftStore();
        rejectedWriterFull.increment();
        throw new TurnRejectedException(
            TurnRejectedException.Reason.WRITER_FULL, full.pending(), full.maxPending(), full);
      }
    }
    counters.messagesSent.increment();
    return commit.whenComplete(
        (v, e) -> {
          counters.leftStore();
          if (e == null) {
            counters.messagesPersisted.incrementAndGet();
          }
        });
  }

  private static Counter rejected(MeterRegistry registry, TurnRejectedException.Reason reason) {
    return Counter.builder(REJECTED_COUNTER)
        .description("Dialog turns refused at once (HTTP 429) instead of queued for the store")
        .tag("reason", reason.tag())
        .register(registry);
  }

  /** Counts a failure of the driver itself (for example a dialog that could not be opened). */
  public void failed(Throwable e) {
    counters.failed(e);
  }

  /**
   * Waits until every message is written and every published event has come back through the
   * subscription (and, on JetStream, every ack), at most {@code timeout}; then renders the last
   * frame.
   *
   * @return whether everything arrived in time
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    store.flush().exceptionally(e -> null).join();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (events.allBack()) {
          return true;
        }
        TimeUnit.MILLISECONDS.sleep(10);
      }
      return false;
    } finally {
      dashboard.flush();
    }
  }

  /**
   * {@code domain_stats} as the dashboard shows it: per domain over the last hour, from the store's
   * rollups, after what the in-process projection holds is committed.
   */
  public List<DomainStats> domainStats() {
    store.flushProjection().exceptionally(e -> null).join();
    readDomainStats();
    return counters.domainStats;
  }

  private void readDomainStats() {
    try {
      counters.domainStats = store.domainStats();
    } catch (RuntimeException e) {
      counters.errors.increment(); // the dashboard keeps the last numbers it had
    }
  }

  /** Counts the messages the store holds for {@code dialogs} (one count query each). */
  public long messagesInStore(List<Dialog> dialogs) {
    return store.messagesIn(dialogs);
  }

  /** A snapshot of the counters. */
  public DialogStats stats() {
    return counters.stats(events.acks());
  }

  /** The frame the dashboard rendered last, or null before the first. */
  public @Nullable DashboardFrame lastFrame() {
    return dashboard.lastFrame();
  }

  /** The metrics: registry, tracker, Prometheus endpoint. */
  public AlchemistMetrics metrics() {
    return metrics;
  }

  /** Where the Prometheus endpoint listens, e.g. {@code http://127.0.0.1:41234/metrics}. */
  public String metricsUri() {
    return metrics.endpoint().map(MetricsEndpoint::uri).map(Object::toString).orElse("none");
  }

  /** The options this service was started with. */
  public DialogOptions options() {
    return options;
  }

  /**
   * Hands every event that comes back through the service's subscription to {@code receiver}: the
   * seam where a projection stores them (for example into {@code events} and {@code domain_stats}).
   * Called on the subscription's thread; set it before the first turn.
   */
  public void onEventReceived(java.util.function.Consumer<DomainEvent> receiver) {
    events.onReceived(java.util.Objects.requireNonNull(receiver, "receiver"));
  }

  /**
   * Publishes one domain event directly, not through the outbox (the load scenario's event capacity
   * phase): fire and forget on the in-process bus, with an ack on JetStream. Blocking only under
   * JetStream back-pressure ({@code maxInFlight} acks outstanding).
   */
  public void publish(DomainEvent event) {
    events.publish(event);
  }

  private ChatRequest request(DialogHistory context) {
    List<ChatMessage> messages = new ArrayList<>(context.size() + 1);
    messages.add(ChatMessage.system("You are a concise travel assistant."));
    for (Message m : context.messages()) {
      messages.add(new ChatMessage(m.role(), m.content()));
    }
    return ChatRequest.of(options.model(), messages);
  }

  private CompletableFuture<Void> save(Dialog dialog, DialogHistory context, Answer answer) {
    Message reply =
        Message.of(
            dialog.id(),
            MessageRole.ASSISTANT,
            answer.text(),
            Instant.now(),
            (int) Math.min(Integer.MAX_VALUE, answer.summary().tokens()));
    // The answer and its two events commit together; the relay publishes the events after.
    return store
        .persist(
            reply,
            DialogEvents.event(dialog, "message", "created", DialogEvents.payload(reply)),
            DialogEvents.event(
                dialog,
                "reply",
                "completed",
                "{\"tokens\":"
                    + answer.summary().tokens()
                    + ",\"firstTokenMs\":"
                    + answer.summary().timeToFirstToken().toMillis()
                    + "}"))
        .thenRun(counters.messagesPersisted::incrementAndGet)
        .thenComposeAsync(v -> histories.put(context.append(reply, HISTORY_LIMIT)), steps);
  }

  private static MeterFilter histograms(List<String> names) {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig c) {
        return names.contains(id.getName())
            ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(c)
            : c;
      }
    };
  }

  private static int words(String text) {
    return text.isBlank() ? 0 : text.trim().split("\\s+").length;
  }

  private static ChatModel model(DialogOptions o, MeterRegistry registry) {
    if (o.openAiBaseUrl() != null) {
      var b = OpenAiChatModel.builder().baseUri(o.openAiBaseUrl()).meterRegistry(registry);
      String key = System.getenv(o.openAiKeyEnv());
      if (key != null && !key.isBlank()) {
        b.apiKey(key);
      }
      return b.build();
    }
    if (o.ollamaUrl() != null) {
      return OllamaChatModel.builder().baseUri(o.ollamaUrl()).meterRegistry(registry).build();
    }
    return SimulatedChatModel.builder()
        .firstTokenLatency(o.firstTokenLatency())
        .tokensPerAnswer(o.tokensPerAnswer())
        .tokensPerSecond(o.tokensPerSecond())
        .meterRegistry(registry)
        .build();
  }

  /** Closes every part in reverse order of creation; see the type's documentation. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (options.cleanup()) {
        cleanup();
      }
    } finally {
      parts.close();
    }
  }

  /** Drops what a prefixed run made on shared servers: cache keys, the stream, the schema. */
  private void cleanup() {
    try {
      histories.invalidateAll();
    } catch (RuntimeException e) {
      log.warn("could not remove the cache keys: {}", e.toString());
    }
    // Stopped before its stream goes: a consumer still pulling from a deleted stream gets a
    // "409 Consumer Deleted" for each pull, which jnats logs at SEVERE.
    try {
      projection.close();
    } catch (Exception e) {
      log.warn("could not stop the projection: {}", e.toString());
    }
    events.deleteStream(options.streamName());
    if (options.jdbc() != null && options.prefix() != null) {
      store.dropSchema(options.prefix());
    }
  }

  private record Posted(DialogHistory context, ChunkStream stream) {}
}
