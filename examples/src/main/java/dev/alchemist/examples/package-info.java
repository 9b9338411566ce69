/** Runnable examples of Alchemist on embedded defaults and on real services. */
@NullMarked
package dev.alchemist.examples;

import org.jspecify.annotations.NullMarked;
