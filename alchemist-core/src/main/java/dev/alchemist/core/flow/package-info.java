/**
 * Flow control for user interfaces that must stay smooth under bursts of events: the guide's
 * "debounced updates" and "virtual scrolling", made reusable for any host UI (JavaFX, Swing, a
 * websocket dashboard) and for server-side paging.
 *
 * <ul>
 *   <li>{@link dev.alchemist.core.flow.DebouncedUpdater}: latest value wins, at most one delivery
 *       per interval (16 ms for 60 fps) on a grid that a late timer does not stretch, leading edge
 *       when idle, trailing value always delivered.
 *   <li>{@link dev.alchemist.core.flow.KeyedDebouncer}: the same per key on one shared timer, with
 *       idle keys forgotten after a timeout.
 *   <li>{@link dev.alchemist.core.flow.VirtualWindow}: which items intersect the viewport, for
 *       fixed or per-item heights ({@link dev.alchemist.core.flow.ItemHeights}, a Fenwick tree).
 * </ul>
 *
 * <h2>Why there is no string interner</h2>
 *
 * The guide interns hot identifiers (domains, subject tokens). Measured with {@code
 * dev.alchemist.bench.flow.InternBenchmark} (JDK 17, token {@code "dialog"} of {@code
 * "alchemist.dialog.message.created"}), a conventional interner saves no allocation: the token has
 * to exist as a {@code String} before it can be looked up, so {@code substring}, {@code substring}
 * + {@code ConcurrentHashMap} interner, and {@code substring} + {@link String#intern()} all
 * allocate the same 48 B per token, and the interners add about 14 ns and 40 ns respectively.
 * Interning only shrinks what is <em>retained</em>, which the JVM's G1 string deduplication ({@code
 * -XX:+UseStringDeduplication}) already does for long-lived strings without code.
 *
 * <p>The one variant that does save the 48 B looks the token up by its bytes (or chars) in place,
 * before any {@code String} exists (0 B per token, about 11 ns). That only works inside the
 * tokenizer that owns the buffer, such as a subject parser or a codec, and needs a size bound,
 * since an unbounded table keyed by tokens arriving from the network is a memory leak. It belongs
 * there, not in a general-purpose utility here.
 *
 * <p>{@code MessageWindow} in alchemist-store ({@code dev.alchemist.store}) maps a visible range
 * onto keyset pages of the message repository, so a view over a long dialog reads only the rows on
 * screen.
 */
@NullMarked
package dev.alchemist.core.flow;

import org.jspecify.annotations.NullMarked;
