package dev.alchemist.examples.dialog;

/**
 * One frame of the live dashboard: what a browser tab would render. Immutable.
 *
 * @param events domain events received so far
 * @param messages messages persisted so far
 * @param chunks answer chunks streamed so far
 * @param turnsInFlight turns being answered right now
 * @param atNanos when the frame was built ({@link System#nanoTime()})
 */
public record DashboardFrame(
    long events, long messages, long chunks, int turnsInFlight, long atNanos) {}
