package dev.alchemist.examples.dialog;

import dev.alchemist.core.DomainStats;
import java.util.List;

/**
 * One frame of the live dashboard: what a browser tab would render. Immutable.
 *
 * @param events domain events received so far
 * @param messages messages persisted so far
 * @param chunks answer chunks streamed so far
 * @param turnsInFlight turns being answered right now
 * @param domainStats {@code domain_stats} per domain, as last read (every second) from the store's
 *     rollups
 * @param atNanos when the frame was built ({@link System#nanoTime()})
 */
public record DashboardFrame(
    long events,
    long messages,
    long chunks,
    int turnsInFlight,
    List<DomainStats> domainStats,
    long atNanos) {}
