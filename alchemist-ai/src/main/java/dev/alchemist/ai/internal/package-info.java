/**
 * Implementation of {@code dev.alchemist.ai}: wire parsers, HTTP streams, the chunker and metrics.
 * Unsupported: anything here may change without notice; use the API package.
 */
@NullMarked
package dev.alchemist.ai.internal;

import org.jspecify.annotations.NullMarked;
