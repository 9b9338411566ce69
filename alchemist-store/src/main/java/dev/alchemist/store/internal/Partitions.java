package dev.alchemist.store.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * The daily partitions of {@code events} on PostgreSQL: {@code events_pYYYYMMDD} holds the UTC day
 * {@code [YYYY-MM-DD 00:00Z, next day 00:00Z)}. There is no DEFAULT partition: while one exists,
 * every later {@code CREATE ... PARTITION OF} must scan it for rows of the new range (under an
 * exclusive lock) and fails if it finds any, so rows parked there would block the partitions ahead.
 * Instead a write for a day without a partition creates that partition first.
 *
 * <p>Partition names are built from dates only, never from input, so the DDL (which cannot take
 * bound parameters) holds no value from outside.
 *
 * <p>Thread-safe. Creation takes a transaction-scoped advisory lock so that instances creating the
 * same day queue instead of colliding.
 */
final class Partitions {
  static final String PREFIX = "events_p";
  private static final Pattern NAME = Pattern.compile("events_p[0-9]{8}");
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
  static final String LOCK_KEYS =
      "hashtext('alchemist'), hashtext(current_schema() || '.events_partitions')";
  private static final String LIST =
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
          + " WHERE i.inhparent = 'events'::regclass";

  /** Days known to have a partition; a hint only (a stale entry costs one retry). */
  private final Set<LocalDate> known = ConcurrentHashMap.newKeySet();

  static String name(LocalDate day) {
    return PREFIX + day.format(DAY);
  }

  static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  /** Makes sure each day has a partition, on {@code h} (joining its transaction if one is open). */
  void ensure(Handle h, Collection<LocalDate> days) {
    List<LocalDate> unknown = new ArrayList<>();
    for (LocalDate d : new TreeSet<>(days)) {
      if (!known.contains(d)) {
        unknown.add(d);
      }
    }
    if (unknown.isEmpty()) {
      return;
    }
    h.useTransaction(
        tx -> {
          Set<String> existing = new java.util.HashSet<>(list(tx));
          boolean locked = false;
          for (LocalDate d : unknown) {
            if (existing.contains(name(d))) {
              known.add(d);
              continue;
            }
            if (!locked) {
              tx.createQuery("SELECT 1 FROM pg_advisory_xact_lock(" + LOCK_KEYS + ")")
                  .mapTo(Integer.class)
                  .one();
              locked = true;
              existing = new java.util.HashSet<>(list(tx));
            }
            if (!existing.contains(name(d))) {
              create(tx, d);
            }
            // not marked known: if the caller's transaction rolls back, so does the partition
          }
        });
  }

  /** Forgets what it knew, after an insert found a partition missing. */
  void forget() {
    known.clear();
  }

  /** Creates the day's partition unless it exists; returns whether it created it. */
  static boolean create(Handle h, LocalDate day) {
    if (list(h).contains(name(day))) {
      return false;
    }
    h.execute(
        "CREATE TABLE IF NOT EXISTS "
            + name(day)
            + " PARTITION OF events FOR VALUES FROM ('"
            + day
            + " 00:00:00+00') TO ('"
            + day.plusDays(1)
            + " 00:00:00+00')");
    return true;
  }

  /** The names of the partitions of {@code events} now. */
  static List<String> list(Handle h) {
    return h.createQuery(LIST).mapTo(String.class).list();
  }

  /**
   * Drops every daily partition that ends at or before {@code cutoff}; returns the names dropped.
   */
  List<String> dropEndingBy(Handle h, Instant cutoff) {
    List<String> dropped = new ArrayList<>();
    for (String name : list(h)) {
      if (!NAME.matcher(name).matches()) {
        continue; // not ours
      }
      LocalDate day = LocalDate.parse(name.substring(PREFIX.length()), DAY);
      Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      if (!end.isAfter(cutoff)) {
        h.execute("DROP TABLE " + name);
        known.remove(day);
        dropped.add(name);
      }
    }
    return dropped;
  }
}
