/** A small Spring Boot dialog service configured entirely by alchemist-spring-boot-starter. */
@NullMarked
package dev.alchemist.examples.boot;

import org.jspecify.annotations.NullMarked;
