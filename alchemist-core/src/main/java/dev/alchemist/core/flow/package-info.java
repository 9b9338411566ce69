/**
 * Flow control for user interfaces that must stay smooth under bursts of events: the guide's
 * "debounced updates" and "virtual scrolling", made reusable for any host UI (JavaFX, Swing, a
 * websocket dashboard) and for server-side paging.
 *
 * <ul>
 *   <li>{@link dev.alchemist.core.flow.DebouncedUpdater}: latest value wins, at most one delivery
 *       per interval (16 ms for 60 fps), leading edge when idle, trailing value always delivered.
 *   <li>{@link dev.alchemist.core.flow.KeyedDebouncer}: the same per key on one shared timer, with
 *       idle keys forgotten after a timeout.
 *   <li>{@link dev.alchemist.core.flow.VirtualWindow}: which items intersect the viewport, for
 *       fixed or per-item heights ({@link dev.alchemist.core.flow.ItemHeights}, a Fenwick tree).
 * </ul>
 *
 * <h2>Why there is no string interner</h2>
 *
 * The guide interns hot identifiers (domains, subject tokens). In Java an interner does not save
 * allocation where it would matter: the {@code String} has to exist before it can be looked up, so
 * decoding a token and then interning it allocates exactly as much as decoding it alone (the
 * benchmark {@code dev.alchemist.bench.flow.InternBenchmark} measures the same bytes per operation
 * with and without a {@code ConcurrentHashMap} interner, and {@link String#intern()} is slower
 * still). Interning only shrinks what is <em>retained</em>, which the JVM's G1 string deduplication
 * ({@code -XX:+UseStringDeduplication}) already does without code. The one variant that does avoid
 * allocation looks a token up by its bytes inside the buffer it was read from; that belongs inside
 * a tokenizer that owns the buffer (a subject parser or codec), not in a general purpose utility,
 * and jnats already hands subjects over as {@code String}s.
 *
 * <h2>Not here yet</h2>
 *
 * A keyset-paging helper for the message repository waits for that repository to exist.
 */
@NullMarked
package dev.alchemist.core.flow;

import org.jspecify.annotations.NullMarked;
