/** Streaming model clients, buffered token streams, warm-up and response caching. Not built yet. */
@NullMarked
package dev.alchemist.ai;

import org.jspecify.annotations.NullMarked;
