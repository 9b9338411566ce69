package dev.alchemist.examples.dialog;

import dev.alchemist.core.flow.DebounceMetrics;
import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.core.flow.KeyedDebouncer;
import dev.alchemist.metrics.AlchemistMetrics;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The live dashboard: every event and every chunk asks for a new frame, and a {@link
 * DebouncedUpdater} renders at most 60 frames a second (latest wins); each answer's preview goes
 * through a {@link KeyedDebouncer}, one slot per dialog. A real dashboard would push frames to its
 * browsers; the demo counts them and keeps the last.
 *
 * <p>Thread-safe: {@link #changed} and {@link #preview} are called from the model's and the bus's
 * threads and only hand a value to a debouncer.
 */
final class LiveDashboard implements AutoCloseable {
  private final DialogCounters counters;
  private final DebouncedUpdater<DashboardFrame> frames;
  private final KeyedDebouncer<UUID, Integer> previews;
  private volatile @Nullable DashboardFrame lastFrame;

  LiveDashboard(AlchemistMetrics metrics, DialogCounters counters) {
    this.counters = counters;
    frames =
        DebouncedUpdater.create(DebounceSettings.builder().name("dashboard").build(), this::render);
    try {
      previews =
          KeyedDebouncer.create(
              DebounceSettings.builder().name("answer_preview").build(),
              (dialog, chars) -> counters.previewFrames.increment());
    } catch (RuntimeException e) {
      frames.close();
      throw e;
    }
    metrics.bind(DebounceMetrics.of(frames), DebounceMetrics.of(previews));
  }

  /** Something the dashboard shows changed: a frame of the current counters is due. */
  void changed() {
    frames.update(counters.frame());
  }

  /** {@code dialog}'s answer is {@code chars} long so far. */
  void preview(UUID dialog, int chars) {
    previews.update(dialog, chars);
  }

  /** Renders what is pending now. */
  void flush() {
    frames.flush();
    previews.flush();
  }

  /** The frame rendered last, or null before the first. */
  @Nullable DashboardFrame lastFrame() {
    return lastFrame;
  }

  private void render(DashboardFrame frame) {
    counters.frames.increment();
    lastFrame = frame;
  }

  /** Closes the previews, then the frames. */
  @Override
  public void close() {
    try {
      previews.close();
    } finally {
      frames.close();
    }
  }
}
