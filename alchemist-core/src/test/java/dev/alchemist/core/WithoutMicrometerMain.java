package dev.alchemist.core;

import dev.alchemist.core.codec.Codec;
import dev.alchemist.core.codec.KryoCodecs;
import dev.alchemist.core.flow.DebounceSettings;
import dev.alchemist.core.flow.DebouncedUpdater;
import dev.alchemist.core.flow.FanoutSettings;
import dev.alchemist.core.flow.FrameFanout;
import dev.alchemist.core.flow.IndexRange;
import dev.alchemist.core.flow.ItemHeights;
import dev.alchemist.core.flow.KeyedDebouncer;
import dev.alchemist.core.flow.VirtualWindow;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a host on alchemist-core alone does, run by {@link WithoutMicrometerTest} in a child JVM
 * whose class path has no Micrometer: the codec, both debouncers, the frame fan-out and a virtual
 * window. Prints {@code ok} and exits 0; exits 2 if Micrometer is there after all (the test would
 * prove nothing), 1 if a result is wrong.
 */
public final class WithoutMicrometerMain {
  private WithoutMicrometerMain() {}

  public static void main(String[] args) {
    try {
      Class.forName("io.micrometer.core.instrument.MeterRegistry");
      System.out.println("Micrometer is on the class path");
      System.exit(2);
    } catch (ClassNotFoundException expected) {
      // the point: none of what follows may need it
    }

    Message message =
        new Message(UUID.randomUUID(), UUID.randomUUID(), MessageRole.USER, "hi", Instant.now(), 1);
    Codec<Message> codec = KryoCodecs.builder().build().codec(Message.class);
    check(codec.decode(codec.encode(message)).equals(message), "codec round trip");

    List<String> delivered = new CopyOnWriteArrayList<>();
    DebounceSettings settings = DebounceSettings.builder().name("plain").build();
    try (DebouncedUpdater<String> view = DebouncedUpdater.create(settings, delivered::add);
        KeyedDebouncer<String, String> keyed =
            KeyedDebouncer.create(settings, (k, v) -> delivered.add(k + "=" + v))) {
      view.update("a");
      view.update("b");
      keyed.update("k", "v");
    }
    check(delivered.contains("b") && delivered.contains("k=v"), "debouncers " + delivered);

    List<String> frames = new CopyOnWriteArrayList<>();
    try (FrameFanout<String> fanout =
        FrameFanout.create(FanoutSettings.builder().name("plain").build())) {
      fanout.connect(
          "dash",
          frame -> {
            frames.add(frame);
            return CompletableFuture.completedFuture(null);
          });
      fanout.publish("dash", "frame-1");
    }
    check(fanout(frames), "fan-out " + frames);

    IndexRange rows = VirtualWindow.visibleRange(ItemHeights.fixed(1000, 20), 100, 200, 0);
    check(rows.from() == 10, "virtual window " + rows);
    System.out.println("ok");
  }

  private static boolean fanout(List<String> frames) {
    return frames.isEmpty() || frames.equals(List.of("frame-1"));
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      System.out.println("wrong: " + what);
      System.exit(1);
    }
  }
}
