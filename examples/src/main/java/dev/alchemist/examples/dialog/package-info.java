/**
 * The dialog service flow shared by {@code DialogServiceDemo} (embedded defaults) and the load
 * scenario in {@code alchemist-bench} (real services): persist, cache, stream, publish, render,
 * measure. Example code, not a supported API.
 *
 * <p>Each part reads on its own: {@link dev.alchemist.examples.dialog.DialogService} is the turn
 * path (what a chat backend does for one message) and assembles the rest; {@code DialogStore} is
 * the store with its transactional batching writers (messages and their events in the outbox, one
 * transaction per batch) and its outbox relay, {@code DialogHistories} the history through the
 * cache, {@code DialogEvents} the domain events on the in-process bus or JetStream, {@code
 * LiveDashboard} the debounced dashboard, {@code AnswerReader} one streamed answer, {@code
 * DialogPools} the threads and {@code DialogCounters} what the summary counts. {@link
 * dev.alchemist.examples.dialog.DialogLoad} drives simulated users, {@link
 * dev.alchemist.examples.dialog.WarmUp} warms the JVM before the clock, {@link
 * dev.alchemist.examples.dialog.GuideTargets} grades the report.
 */
@NullMarked
package dev.alchemist.examples.dialog;

import org.jspecify.annotations.NullMarked;
