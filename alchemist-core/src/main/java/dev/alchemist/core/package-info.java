/** Domain model, codec and flow-control building blocks shared by every Alchemist module. */
@NullMarked
package dev.alchemist.core;

import org.jspecify.annotations.NullMarked;
