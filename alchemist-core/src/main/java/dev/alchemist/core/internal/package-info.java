/**
 * Helpers the Alchemist modules share. <b>Unsupported:</b> nothing in this package is API; it may
 * change or disappear in any release, and host code must not use it.
 *
 * <h2>The concurrency kit</h2>
 *
 * <ul>
 *   <li>{@link dev.alchemist.core.internal.SerialExecutor}: tasks one at a time, in order, on a
 *       shared executor; a task that throws (an {@link Error} included) never stalls it.
 *   <li>{@link dev.alchemist.core.internal.DaemonThreads}: every thread a module creates when the
 *       host injects no executor, daemon and named after its component.
 *   <li>{@link dev.alchemist.core.internal.SharedScheduler}: the one JVM-wide timer, with its
 *       contract (short, non-blocking tasks; failures reported, never fatal; cancelled tasks
 *       removed).
 *   <li>{@link dev.alchemist.core.internal.InFlight}: a count of work under way that {@code
 *       close()} waits on with a deadline, woken by the last decrement instead of polling.
 * </ul>
 *
 * <h2>After close, in every module</h2>
 *
 * <ul>
 *   <li>{@code close()} is idempotent and thread-safe: a second call returns at once.
 *   <li>{@code close()} first stops accepting work, then waits, at most the component's documented
 *       close timeout, for what was accepted (queued handlers, outstanding acks, in-flight writes)
 *       by waiting on a condition with a deadline, never by sleeping; what is still open at the
 *       deadline is failed or reported, never dropped silently. It then removes the meters the
 *       component registered and shuts down only the threads it created (never an executor or
 *       scheduler the host gave it, never the shared timer).
 *   <li>A synchronous call after close throws {@link IllegalStateException} whose message names the
 *       component and says it is closed ({@code "chat streamer is closed"}); a call that answers
 *       with a future returns one already failed (the JetStream publisher's with reason {@code
 *       CLOSED}), so the caller's error path runs instead of a throw it does not expect.
 *   <li>Work completing after close (a late ack, a timer that fired) does not re-create meters or
 *       threads.
 * </ul>
 */
@NullMarked
package dev.alchemist.core.internal;

import org.jspecify.annotations.NullMarked;
