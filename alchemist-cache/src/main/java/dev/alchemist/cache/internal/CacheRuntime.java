package dev.alchemist.cache.internal;

import dev.alchemist.cache.CacheListener;
import dev.alchemist.core.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every region of one manager shares. The scheduler is the manager's own (retries of
 * invalidations, tracking restores), never the host's.
 */
record CacheRuntime(
    Clock clock,
    Ticker ticker,
    Executor executor,
    ScheduledExecutorService scheduler,
    CacheListener listener,
    MeterRegistry registry,
    Duration operationTimeout) {}
