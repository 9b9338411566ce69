package dev.alchemist.examples.dialog;

import dev.alchemist.ai.ChatMessage;
import dev.alchemist.ai.ChatModel;
import dev.alchemist.ai.ChatRequest;
import dev.alchemist.ai.ChatStreamer;
import dev.alchemist.ai.ChunkStream;
import dev.alchemist.ai.OllamaChatModel;
import dev.alchemist.ai.OpenAiChatModel;
import dev.alchemist.ai.SimulatedChatModel;
import dev.alchemist.ai.StreamSummary;
import dev.alchemist.cache.Cache;
import dev.alchemist.cache.CacheManager;
import dev.alchemist.cache.CachePolicy;
import dev.alchemist.core.Dialog;
import dev.alchemist.core.DialogHistory;
import dev.alchemist.core.DomainEvent;
import dev.alchemist.core.Message;
import dev.alchemist.core.MessageRole;
import dev.alchemist.core.flow.DebounceMetrics;
import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.core.flow.KeyedDebouncer;
import dev.alchemist.metrics.AlchemistMetrics;
import dev.alchemist.metrics.MetricsEndpoint;
import dev.alchemist.metrics.MetricsEndpointSettings;
import dev.alchemist.metrics.RequestTracker;
import dev.alchemist.nats.EventBus;
import dev.alchemist.nats.EventSubscription;
import dev.alchemist.nats.InProcessEventBus;
import dev.alchemist.nats.JetStreamPublisher;
import dev.alchemist.nats.JetStreamPublisherSettings;
import dev.alchemist.nats.NatsEvents;
import dev.alchemist.nats.ReceivedEvent;
import dev.alchemist.nats.StreamSpec;
import dev.alchemist.nats.SubjectSpace;
import dev.alchemist.store.AlchemistDatabase;
import dev.alchemist.store.BatchSettings;
import dev.alchemist.store.BatchingWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dialog service assembled from every Alchemist module. One {@link #turn} is what a chat backend
 * does when a user sends a message:
 *
 * <ol>
 *   <li>persist the user's message through the store's batching writer;
 *   <li>read the dialog history through the cache ({@link CachePolicy#DIALOG_HISTORY}, loaded from
 *       the repository's {@code lastN} on a miss);
 *   <li>stream the model's answer through {@link ChatStreamer} (buffered chunks), previewing it per
 *       dialog through a {@link KeyedDebouncer};
 *   <li>persist the answer and write the new history back to the cache;
 *   <li>publish domain events ({@code <root>.dialog.message.created}, {@code
 *       <root>.dialog.reply.completed}) on the event bus;
 *   <li>the live dashboard (events received, messages, chunks streamed, turns in flight) is
 *       re-rendered through a {@link DebouncedUpdater} on every event and chunk, at most 60
 *       frames/s;
 *   <li>every step is tracked by the {@link RequestTracker} (operations {@code dialog.open}, {@code
 *       dialog.post}, within it {@code dialog.persist} and {@code dialog.history}, then {@code
 *       model.reply} and {@code dialog.save}).
 * </ol>
 *
 * <p>{@code dialog.post} is the dialog API call a client waits for: persist, history, request the
 * stream. Each part runs embedded unless {@link DialogOptions} names a real service.
 *
 * <p>Thread-safe: turns of many dialogs run at once. The dialog API's steps (the batched commit,
 * the cache read, the model call) are asynchronous and park no thread; what blocks (opening a
 * dialog, a history load after a cache miss, a publish under JetStream back-pressure) runs on a
 * bounded worker pool, so there is no thread per dialog. {@link #close()} flushes the writer and
 * the dashboard, closes every part, and, with {@link DialogOptions#cleanup()}, drops the stream,
 * the cache keys and the schema it made.
 */
public final class DialogService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DialogService.class);

  /** Time from a step's hand-off to the worker pool until a worker starts it. */
  public static final String WORKER_WAIT_TIMER = "dialog.worker.wait";

  /** Messages kept in a cached history and sent to the model as context. */
  public static final int HISTORY_LIMIT = 20;

  private final DialogOptions options;
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private final AlchemistMetrics metrics;
  private final RequestTracker tracker;
  private final AlchemistDatabase db;
  private final BatchingWriter<Message> writer;
  private final BatchingWriter<Dialog> dialogWriter;
  private final CacheManager caches;
  private final Cache<UUID, DialogHistory> histories;
  private final EventBus bus;
  private final @Nullable NatsEvents nats;
  private final @Nullable JetStreamPublisher publisher;
  private final EventSubscription subscription;
  private final ChatStreamer streamer;
  private final DebouncedUpdater<DashboardFrame> dashboard;
  private final KeyedDebouncer<UUID, Integer> previews;
  private final ExecutorService workers;
  private final Executor timedWorkers;
  private final ExecutorService stepPool;
  private final Executor steps;

  private final LongAdder dialogsOpened = new LongAdder();
  private final LongAdder messagesSent = new LongAdder();
  private final AtomicLong messagesPersisted = new AtomicLong();
  private final LongAdder eventsPublished = new LongAdder();
  private final LongAdder eventsAcked = new LongAdder();
  private final AtomicLong eventsReceived = new AtomicLong();
  private final LongAdder historyLoads = new LongAdder();
  private final LongAdder chunks = new LongAdder();
  private final LongAdder turnsDone = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder frames = new LongAdder();
  private final LongAdder previewFrames = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private volatile @Nullable DashboardFrame lastFrame;
  private volatile @Nullable String firstError;
  private boolean closed;

  private DialogService(DialogOptions options) {
    this.options = options;
    try {
      metrics =
          AlchemistMetrics.builder()
              .application("dialog-service")
              .endpoint(MetricsEndpointSettings.builder().port(options.metricsPort()).build())
              .build();
      closeables.push(metrics);
      MeterRegistry registry = metrics.registry();
      tracker = metrics.tracker();
      // Created before everything that feeds them, so closed after it: an event or a chunk that
      // arrives during close() still finds the dashboard open.
      dashboard =
          DebouncedUpdater.create(
              DebounceSettings.builder().name("dashboard").build(), this::render);
      closeables.push(dashboard);
      previews =
          KeyedDebouncer.create(
              DebounceSettings.builder().name("answer_preview").build(),
              (dialog, chars) -> previewFrames.increment());
      closeables.push(previews);
      metrics.bind(DebounceMetrics.of(dashboard), DebounceMetrics.of(previews));
      workers = Executors.newFixedThreadPool(workerThreads(), daemon("dialog-worker"));
      closeables.push(workers::shutdown);
      timedWorkers = timed(workers, registry, "blocking");
      // Steps that never block get their own threads: behind a burst of blocking work (a thousand
      // dialogs opened at once) they would otherwise wait for a worker.
      stepPool =
          Executors.newFixedThreadPool(
              Runtime.getRuntime().availableProcessors(), daemon("dialog-step"));
      closeables.push(stepPool::shutdown);
      steps = timed(stepPool, registry, "steps");

      db = database(options, registry);
      closeables.push(db);
      writer =
          db.messageWriter(
              BatchSettings.builder()
                  .maxBatchSize(500)
                  // A short delay: the user waits for the commit inside dialog.post.
                  .maxDelay(Duration.ofMillis(10))
                  .maxPending(100_000)
                  // --writer-lanes (default 1) batches commit at once, each dialog's messages in
                  // one lane. On two cores shared with the servers, one lane's larger batches
                  // won on a quiet machine; four won while other builds ran (docs/store.md).
                  .concurrency(options.writerLanes())
                  .build());
      closeables.push(writer);
      // New dialogs in batches too: a thousand users arriving at once cost a few transactions,
      // not a thousand, and no worker waits for them.
      dialogWriter =
          db.dialogWriter(
              BatchSettings.builder().maxBatchSize(500).maxDelay(Duration.ofMillis(10)).build());
      closeables.push(dialogWriter);

      CacheManager.Builder cb =
          CacheManager.builder().meterRegistry(registry).keyPrefix(options.cacheKeyPrefix());
      caches =
          options.redis() == null ? cb.local(100_000).build() : cb.redis(options.redis()).build();
      closeables.push(caches);
      histories = caches.cache(CachePolicy.DIALOG_HISTORY, UUID.class, DialogHistory.class);

      SubjectSpace space = SubjectSpace.of(options.subjectRoot());
      if (options.nats() == null) {
        nats = null;
        publisher = null;
        bus = InProcessEventBus.builder().subjects(space).meterRegistry(registry).build();
        closeables.push(bus);
      } else {
        nats =
            NatsEvents.builder()
                .url(options.nats())
                .subjects(space)
                .meterRegistry(registry)
                .build();
        bus = nats;
        closeables.push(nats);
        StreamSpec spec = developmentStream(options, space);
        nats.provisioner().provision(spec);
        publisher =
            nats.jetStreamPublisher(
                JetStreamPublisherSettings.builder().name("dialog-service").stream(spec).build());
        closeables.push(publisher);
      }
      subscription = bus.subscribe(space.all(), this::onEvent);
      closeables.push(subscription);

      streamer =
          ChatStreamer.builder().model(model(options, registry)).meterRegistry(registry).build();
      closeables.push(streamer);

    } catch (RuntimeException e) {
      closeQuietly();
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
    return new DialogService(options);
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
            dialogWriter
                .submit(dialog)
                .thenComposeAsync(
                    v -> {
                      dialogsOpened.increment();
                      publishLater(event(dialog, "dialog", "opened", "{}"));
                      // Write-through: a new dialog's history is known to be empty, so its first
                      // turn finds it in the cache instead of querying the store for nothing.
                      return histories.putAsync(dialog.id(), DialogHistory.empty(dialog.id()));
                    },
                    steps)
                .thenApply(v -> dialog));
  }

  /** The worker pool for blocking steps; the load driver schedules its users on it. */
  public ExecutorService workers() {
    return workers;
  }

  /**
   * One turn: the user says {@code text}, the model answers. The future completes when the answer
   * is persisted and its events are published; it fails if any step failed (also counted in {@link
   * DialogStats#errors()}).
   */
  public CompletableFuture<Void> turn(Dialog dialog, String text) {
    UUID id = dialog.id();
    int now = inFlight.incrementAndGet();
    peakInFlight.accumulateAndGet(now, Math::max);
    messagesSent.increment();
    Message user = Message.of(id, MessageRole.USER, text, Instant.now(), words(text));
    // No step of the dialog API parks a thread: the commit, the cache read and the model call are
    // asynchronous, and the event, which the client does not wait for, goes out on a worker.
    CompletableFuture<Posted> posted =
        tracker.trackAsync(
            "dialog.post",
            () ->
                tracker
                    .trackAsync("dialog.persist", () -> persist(user))
                    // Off the writer's thread, which completes every row of a batch in turn.
                    .thenComposeAsync(
                        v -> {
                          publishLater(event(dialog, "message", "created", payload(user)));
                          return history(id, user);
                        },
                        steps)
                    .thenApply(context -> new Posted(context, streamer.stream(request(context)))));
    return posted
        .thenCompose(
            p ->
                tracker
                    .trackAsync("model.reply", () -> receive(id, p.stream()))
                    .thenCompose(
                        answer ->
                            tracker.trackAsync(
                                "dialog.save", () -> save(dialog, p.context(), answer))))
        .whenComplete(
            (v, e) -> {
              inFlight.decrementAndGet();
              if (e == null) {
                turnsDone.increment();
              } else {
                failed(e);
              }
            });
  }

  /** Counts a failure of the driver itself (for example a dialog that could not be opened). */
  public void failed(Throwable e) {
    errors.increment();
    if (firstError == null) {
      firstError = String.valueOf(e.getCause() != null ? e.getCause() : e);
      log.warn("first failure (later ones are only counted): {}", firstError);
    }
  }

  /**
   * Waits until every message is written and every published event has come back through the
   * subscription (and, on JetStream, every ack), at most {@code timeout}; then renders the last
   * frame.
   *
   * @return whether everything arrived in time
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    writer.flush().exceptionally(e -> null).join();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long published = eventsPublished.sum();
      boolean acked = publisher == null || eventsAcked.sum() + errors.sum() >= published;
      if (eventsReceived.get() >= published && acked) {
        dashboard.flush();
        previews.flush();
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    dashboard.flush();
    previews.flush();
    return false;
  }

  /** Counts the messages the store holds for {@code dialogs} (one count query each). */
  public long messagesInStore(List<Dialog> dialogs) {
    long n = 0;
    for (Dialog d : dialogs) {
      n += db.messages().count(d.id());
    }
    return n;
  }

  /** A snapshot of the counters. */
  public DialogStats stats() {
    return new DialogStats(
        dialogsOpened.sum(),
        turnsDone.sum(),
        messagesSent.sum() * 2,
        messagesPersisted.get(),
        eventsPublished.sum(),
        eventsReceived.get(),
        publisher == null ? -1 : eventsAcked.sum(),
        historyLoads.sum(),
        chunks.sum(),
        frames.sum(),
        previewFrames.sum(),
        inFlight.get(),
        peakInFlight.get(),
        errors.sum(),
        firstError);
  }

  /** The frame the dashboard rendered last, or null before the first. */
  public @Nullable DashboardFrame lastFrame() {
    return lastFrame;
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
   * Publishes one domain event: fire and forget on the in-process bus, with an ack on JetStream.
   * Blocking only under JetStream back-pressure ({@code maxInFlight} acks outstanding).
   */
  public void publish(DomainEvent event) {
    eventsPublished.increment();
    send(event);
  }

  /**
   * Publishes {@code events} in order on a worker: under JetStream back-pressure a publish blocks,
   * and the thread that completed a commit or a cache read must not.
   */
  private void publishLater(DomainEvent... events) {
    eventsPublished.add(events.length);
    timedWorkers.execute(
        () -> {
          for (DomainEvent e : events) {
            send(e);
          }
        });
  }

  private void send(DomainEvent event) {
    JetStreamPublisher p = publisher;
    if (p == null) {
      bus.publish(event);
      return;
    }
    p.publish(bus.subjects().subject(event), event)
        .whenComplete(
            (receipt, e) -> {
              if (e == null) {
                eventsAcked.increment();
              } else {
                failed(e);
              }
            });
  }

  private CompletableFuture<Void> persist(Message message) {
    return writer.submit(message).thenRun(messagesPersisted::incrementAndGet);
  }

  /**
   * The context for the model: the cached history, read without blocking; only a miss loads it from
   * the store on a worker (the loaded history already ends with {@code user}).
   */
  private CompletableFuture<DialogHistory> history(UUID id, Message user) {
    return tracker
        .trackAsync(
            "dialog.history",
            () ->
                histories
                    .getAsync(id)
                    .thenCompose(
                        cached ->
                            cached != null
                                ? CompletableFuture.completedFuture(cached)
                                : CompletableFuture.supplyAsync(
                                    () -> histories.get(id, this::load), timedWorkers)))
        .thenApply(cached -> withMessage(cached == null ? DialogHistory.empty(id) : cached, user));
  }

  private static DialogHistory withMessage(DialogHistory h, Message user) {
    for (Message m : h.messages()) {
      if (m.id().equals(user.id())) {
        return h;
      }
    }
    return h.append(user, HISTORY_LIMIT);
  }

  private DialogHistory load(UUID id) {
    historyLoads.increment();
    return new DialogHistory(id, db.messages().lastN(id, HISTORY_LIMIT));
  }

  private ChatRequest request(DialogHistory context) {
    List<ChatMessage> messages = new ArrayList<>(context.size() + 1);
    messages.add(ChatMessage.system("You are a concise travel assistant."));
    for (Message m : context.messages()) {
      messages.add(new ChatMessage(m.role(), m.content()));
    }
    return ChatRequest.of(options.model(), messages);
  }

  private CompletableFuture<Answer> receive(UUID dialog, ChunkStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    stream.subscribe(
        new Flow.Subscriber<String>() {
          private final StringBuilder sb = new StringBuilder(512);

          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(String chunk) {
            // Runs on the model's thread: append and hand the preview to the debouncer, no more.
            sb.append(chunk);
            chunks.increment();
            previews.update(dialog, sb.length());
            dashboard.update(frame());
          }

          @Override
          public void onError(Throwable e) {
            text.completeExceptionally(e);
          }

          @Override
          public void onComplete() {
            text.complete(sb.toString());
          }
        });
    return text.thenCombine(stream.summary(), Answer::new);
  }

  private CompletableFuture<Void> save(Dialog dialog, DialogHistory context, Answer answer) {
    Message reply =
        Message.of(
            dialog.id(),
            MessageRole.ASSISTANT,
            answer.text(),
            Instant.now(),
            (int) Math.min(Integer.MAX_VALUE, answer.summary().tokens()));
    return persist(reply)
        .thenComposeAsync(
            v -> {
              publishLater(
                  event(dialog, "message", "created", payload(reply)),
                  event(
                      dialog,
                      "reply",
                      "completed",
                      "{\"tokens\":"
                          + answer.summary().tokens()
                          + ",\"firstTokenMs\":"
                          + answer.summary().timeToFirstToken().toMillis()
                          + "}"));
              return histories.putAsync(dialog.id(), context.append(reply, HISTORY_LIMIT));
            },
            steps);
  }

  private void onEvent(ReceivedEvent event) {
    eventsReceived.incrementAndGet();
    dashboard.update(frame());
  }

  /** The dashboard's model: cheap counters, replaced (latest wins) up to 60 times a second. */
  private DashboardFrame frame() {
    return new DashboardFrame(
        eventsReceived.get(),
        messagesPersisted.get(),
        chunks.sum(),
        inFlight.get(),
        System.nanoTime());
  }

  private void render(DashboardFrame frame) {
    // A real dashboard would push this to its browsers; the demo counts frames.
    frames.increment();
    lastFrame = frame;
  }

  private static DomainEvent event(Dialog dialog, String entity, String type, String payload) {
    return DomainEvent.of("dialog", entity, type, dialog.userId(), Instant.now(), payload);
  }

  private static String payload(Message m) {
    return "{\"dialogId\":\""
        + m.dialogId()
        + "\",\"messageId\":\""
        + m.id()
        + "\",\"role\":\""
        + m.role().name().toLowerCase(java.util.Locale.ROOT)
        + "\",\"tokens\":"
        + m.tokenCount()
        + "}";
  }

  private static int words(String text) {
    return text.isBlank() ? 0 : text.trim().split("\\s+").length;
  }

  /** {@code pool}, recording each task's wait for a thread in {@link #WORKER_WAIT_TIMER}. */
  private static Executor timed(ExecutorService pool, MeterRegistry registry, String name) {
    Timer wait =
        Timer.builder(WORKER_WAIT_TIMER)
            .description("Time a dialog step waited for a thread of its pool")
            .tag("pool", name)
            .publishPercentileHistogram()
            .register(registry);
    return task -> {
      long queued = System.nanoTime();
      pool.execute(
          () -> {
            wait.record(System.nanoTime() - queued, TimeUnit.NANOSECONDS);
            task.run();
          });
    };
  }

  private static int workerThreads() {
    return Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static AlchemistDatabase database(DialogOptions o, MeterRegistry registry) {
    AlchemistDatabase.Builder b =
        AlchemistDatabase.builder()
            .meterRegistry(registry)
            // The demo reads no domain_stats; no refresher thread needed.
            .domainStatsRefreshInterval(Duration.ZERO);
    String jdbc = o.jdbc();
    if (jdbc == null) {
      return b.embedded().build();
    }
    b.jdbcUrl(jdbc);
    if (o.jdbcUser() != null) {
      b.user(o.jdbcUser());
    }
    String password = System.getenv(o.jdbcPasswordEnv());
    if (password != null && !password.isEmpty()) {
      b.password(password);
    }
    if (o.prefix() != null) {
      b.schema(o.prefix());
    }
    return b.build();
  }

  /** The guide's stream on one server: R1, no placement, a smaller footprint for a demo. */
  static StreamSpec developmentStream(DialogOptions o, SubjectSpace space) {
    return StreamSpec.alchemistEvents().toBuilder()
        .name(o.streamName())
        .subjects(space)
        .maxAge(Duration.ofHours(1))
        .maxBytes(512L * 1024 * 1024)
        .build()
        .forDevelopment();
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
      closeQuietly();
    }
  }

  /** Drops what a prefixed run made on shared servers: cache keys, the stream, the schema. */
  private void cleanup() {
    try {
      histories.invalidateAll();
    } catch (RuntimeException e) {
      log.warn("could not remove the cache keys: {}", e.toString());
    }
    if (nats != null) {
      try {
        nats.connection().jetStreamManagement().deleteStream(options.streamName());
      } catch (Exception e) {
        log.warn("could not delete stream {}: {}", options.streamName(), e.toString());
      }
    }
    if (options.jdbc() != null && options.prefix() != null) {
      writer.close();
      try (Connection c = db.dataSource().getConnection();
          Statement s = c.createStatement()) {
        // The prefix matched [a-z][a-z0-9_]* in DialogOptions.parse, so it is a safe identifier.
        s.execute("DROP SCHEMA IF EXISTS " + options.prefix() + " CASCADE");
      } catch (Exception e) {
        log.warn("could not drop schema {}: {}", options.prefix(), e.toString());
      }
    }
  }

  private void closeQuietly() {
    while (!closeables.isEmpty()) {
      AutoCloseable c = closeables.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("close failed: {}", e.toString());
      }
    }
  }

  private record Posted(DialogHistory context, ChunkStream stream) {}

  private record Answer(String text, StreamSummary summary) {}
}
