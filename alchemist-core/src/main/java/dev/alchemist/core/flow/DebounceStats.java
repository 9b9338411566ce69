package dev.alchemist.core.flow;

/**
 * A point-in-time snapshot of a debouncer's counters. Counters only grow; the snapshot is taken
 * without stopping producers, so while updates are in flight the fields may be read a few updates
 * apart. Once the debouncer is quiet (or closed), {@code received == delivered + failed + coalesced
 * + rejected + pending()}.
 *
 * @param received calls to {@code update}
 * @param delivered values the sink accepted without throwing
 * @param coalesced values replaced by a newer value before they were delivered
 * @param failed values the sink threw on (see {@link DebounceListener#onSinkFailure})
 * @param rejected updates refused because the debouncer was closed
 * @param keys keys tracked right now (always 1 for a {@link DebouncedUpdater})
 * @param expiredKeys keys forgotten after staying idle for {@link DebounceSettings#idleTimeout()}
 */
public record DebounceStats(
    long received,
    long delivered,
    long coalesced,
    long failed,
    long rejected,
    int keys,
    long expiredKeys) {

  /** Values accepted but not yet delivered, coalesced or rejected (0 or 1 per key when quiet). */
  public long pending() {
    return received - delivered - failed - coalesced - rejected;
  }
}
