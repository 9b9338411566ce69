package dev.alchemist.core.internal;

import dev.alchemist.core.Checks;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The meters one component registered, so that its {@link #close()} removes them from the registry
 * again. Micrometer hands back the existing meter for an equal name and tags, so without this a
 * closed instance's gauge would go on reporting in place of its successor's.
 *
 * <p>Three kinds of registration:
 *
 * <ul>
 *   <li>{@link #shared}: counters, timers, summaries. Live instances with equal name and tags share
 *       the meter (its total is their sum, as in Micrometer); it is removed when the last of them
 *       closes.
 *   <li>{@link #exclusive}: a gauge (or function counter) reads one instance's state, so a second
 *       live instance with an equal one on the same registry is refused with {@link
 *       IllegalStateException} naming both. {@link #exclusiveUnderFreeName} picks the first free
 *       name instead (for default names, as HikariCP numbers its pools).
 *   <li>{@link #summed}: a gauge that is a total by design (streams open per provider): it reads
 *       the sum of the live contributors' values, never a closed one's.
 * </ul>
 *
 * <p>Bookkeeping is per registry instance (a {@code CompositeMeterRegistry} counts as one). Meters
 * a filter denies are no-ops and never conflict. Thread-safe; registration takes one lock the first
 * time an owner registers a meter, later look-ups of the same meter do not.
 *
 * <p><b>Unsupported:</b> internal to the Alchemist modules; it may change in any release.
 */
public final class OwnedMeters implements AutoCloseable {
  private static final ReentrantLock LOCK = new ReentrantLock();

  /** Guarded by {@link #LOCK}. Weak keys: a registry nobody else holds is forgotten. */
  private static final Map<MeterRegistry, Map<Meter.Id, Holding>> HELD = new WeakHashMap<>();

  private final MeterRegistry registry;
  private final String owner;
  private final Map<Meter.Id, Meter> mine = new ConcurrentHashMap<>();
  private boolean closed; // guarded by LOCK

  private OwnedMeters(MeterRegistry registry, String owner) {
    this.registry = Checks.notNull("registry", registry);
    this.owner = Checks.notBlank("owner", owner);
  }

  /**
   * Meters of one component on {@code registry}. {@code owner} names the component in a refusal
   * ("cache manager region dialog-history", "publisher default on stream orders").
   */
  public static OwnedMeters of(MeterRegistry registry, String owner) {
    return new OwnedMeters(registry, owner);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Registers a cumulative meter, shared with live owners of an equal one, such as {@code
   * meters.shared(Counter.builder("x").tags(tags)::register)}. Cheap to call again for a meter this
   * owner already holds.
   */
  public <M extends Meter> M shared(Function<MeterRegistry, M> register) {
    M meter = register.apply(registry);
    if (mine.get(meter.getId()) == meter) {
      return meter;
    }
    LOCK.lock();
    try {
      if (closed) {
        // A late count after close (a failure completing afterwards) must not re-create the meter.
        Map<Meter.Id, Holding> held = HELD.get(registry);
        Holding h = held == null ? null : held.get(meter.getId());
        if (h == null || h.meter != meter) {
          registry.remove(meter);
        }
        return meter;
      }
      // Again under the lock: a closed owner may have removed the instance we got meanwhile.
      M current = register.apply(registry);
      Holding h = holding(current, new Holding());
      h.owners.add(this);
      mine.put(current.getId(), current);
      return current;
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * Registers a meter that reads this owner's state (a gauge, a function counter) and so only this
   * owner may report, such as {@code meters.exclusive(Gauge.builder("x", state,
   * f).tags(tags)::register)}.
   *
   * @throws IllegalStateException if another live owner reports an equal meter on this registry
   */
  public <M extends Meter> M exclusive(Function<MeterRegistry, M> register) {
    LOCK.lock();
    try {
      ensureOpen();
      M meter = register.apply(registry);
      OwnedMeters other = claim(meter);
      if (other != null) {
        throw new IllegalStateException(
            "cannot register "
                + describe(meter)
                + " for "
                + owner
                + ": another live instance ("
                + other.owner
                + ") reports it on the same registry. It reads one instance's state, so give"
                + " each live instance a distinct name or its own MeterRegistry");
      }
      return meter;
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * Registers the gauge {@code gaugeForName} builds under the first of {@code base}, {@code
   * base-2}, {@code base-3}, ... that no live owner reports on this registry, and returns that
   * name.
   */
  public String exclusiveUnderFreeName(
      String base, Function<String, Gauge.Builder<?>> gaugeForName) {
    LOCK.lock();
    try {
      ensureOpen();
      for (int i = 1; ; i++) {
        String name = i == 1 ? base : base + "-" + i;
        Gauge gauge = gaugeForName.apply(name).register(registry);
        if (claim(gauge) == null) {
          return name;
        }
      }
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * Adds {@code value} to the gauge {@code name} with {@code tags}, which reports the sum of its
   * live contributors; this owner's part goes when it closes, the gauge when the last one does.
   */
  public void summed(String name, Tags tags, String description, DoubleSupplier value) {
    LOCK.lock();
    try {
      // If no live contributor has it, the gauge registered here is new and bound to fresh; else
      // the registry hands back the one bound to the existing holding.
      ensureOpen();
      // A live contributor already registered it: join its holding. Registering again would get
      // the same gauge back, but Micrometer logs a double registration for it.
      Holding h = liveSummed(name, tags);
      Meter gauge;
      if (h != null && h.meter != null) {
        gauge = h.meter;
      } else {
        Holding fresh = new Holding();
        fresh.summedName = name;
        fresh.summedTags = tags;
        gauge =
            Gauge.builder(name, fresh, Holding::sum)
                .tags(tags)
                .description(description)
                .strongReference(true)
                .register(registry);
        h = holding(gauge, fresh);
      }
      h.owners.add(this);
      h.parts.put(this, value);
      mine.put(gauge.getId(), gauge);
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * Removes every meter this owner registered that no other live owner still holds. Idempotent;
   * meters registered after close are refused.
   */
  @Override
  public void close() {
    List<Meter> unused = new ArrayList<>();
    LOCK.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      Map<Meter.Id, Holding> held = HELD.get(registry);
      for (Meter meter : mine.values()) {
        Holding h = held == null ? null : held.get(meter.getId());
        if (h == null || h.meter != meter) {
          continue; // replaced or removed by someone else: not ours to remove any more
        }
        h.owners.remove(this);
        h.parts.remove(this);
        if (h.owners.isEmpty()) {
          held.remove(meter.getId());
          unused.add(meter);
        }
      }
      if (held != null && held.isEmpty()) {
        HELD.remove(registry);
      }
      // Removed under the lock: a new owner registering the same id now gets a fresh meter.
      for (Meter meter : unused) {
        registry.remove(meter);
      }
    } finally {
      LOCK.unlock();
    }
  }

  /** The live owner that already reports {@code meter}, or null after making it this owner's. */
  private @Nullable OwnedMeters claim(Meter meter) {
    Holding h = holding(meter, new Holding());
    for (OwnedMeters other : h.owners) {
      if (other != this) {
        return other;
      }
    }
    h.owners.add(this);
    mine.put(meter.getId(), meter);
    return null;
  }

  /** The holding of the summed gauge {@code name} with {@code tags} that has live owners. */
  private @Nullable Holding liveSummed(String name, Tags tags) {
    Map<Meter.Id, Holding> held = HELD.get(registry);
    if (held == null) {
      return null;
    }
    for (Holding h : held.values()) {
      if (!h.owners.isEmpty() && name.equals(h.summedName) && tags.equals(h.summedTags)) {
        return h;
      }
    }
    return null;
  }

  /** The holding of {@code meter}; {@code fresh} if the registry handed out a new instance. */
  private Holding holding(Meter meter, Holding fresh) {
    Map<Meter.Id, Holding> held = HELD.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
    Holding h = held.get(meter.getId());
    if (h == null || h.meter != meter) {
      // New, or a no-op meter of a denying filter (a fresh instance each time), or re-created
      // after someone removed it: no live owner shares this instance.
      h = fresh;
      h.meter = meter;
      held.put(meter.getId(), h);
    }
    return h;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cannot register a meter for " + owner + ": it is closed");
    }
  }

  private static String describe(Meter meter) {
    Meter.Id id = meter.getId();
    StringBuilder s =
        new StringBuilder(meter instanceof Gauge ? "gauge " : "meter ")
            .append(id.getName())
            .append('{');
    String sep = "";
    for (Tag tag : id.getTagsAsIterable()) {
      s.append(sep).append(tag.getKey()).append('=').append(tag.getValue());
      sep = ",";
    }
    return s.append('}').toString();
  }

  /**
   * Who holds one meter instance of one registry. Guarded by {@link #LOCK}; {@code parts} is also
   * read by scrapes.
   */
  private static final class Holding {
    @Nullable Meter meter;
    // What summed() was asked for (before meter filters rename or tag it), to find it again.
    @Nullable String summedName;
    @Nullable Tags summedTags;
    final Set<OwnedMeters> owners = new LinkedHashSet<>();
    final Map<OwnedMeters, DoubleSupplier> parts = new ConcurrentHashMap<>();

    double sum() {
      double total = 0;
      for (DoubleSupplier part : parts.values()) {
        total += part.getAsDouble();
      }
      return total;
    }
  }
}
