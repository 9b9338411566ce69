package dev.alchemist.cache.internal;

import dev.alchemist.cache.CacheListener;
import dev.alchemist.core.flow.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;

/** What every region of one manager shares. */
record CacheRuntime(
    Clock clock,
    Ticker ticker,
    Executor executor,
    CacheListener listener,
    MeterRegistry registry,
    Duration operationTimeout) {}
