/**
 * The dialog service flow shared by {@code DialogServiceDemo} (embedded defaults) and the load
 * scenario in {@code alchemist-bench} (real services): persist, cache, stream, publish, render,
 * measure. Example code, not a supported API.
 */
@NullMarked
package dev.alchemist.examples.dialog;

import org.jspecify.annotations.NullMarked;
