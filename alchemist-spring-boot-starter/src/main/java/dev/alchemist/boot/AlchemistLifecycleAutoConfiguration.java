package dev.alchemist.boot;

import dev.alchemist.boot.internal.OrderedShutdown;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The ordered shutdown of every Alchemist bean (see {@link OrderedShutdown}): writers flush,
 * publishers drain, consumers stop, then connections and pools close, after the web server's
 * graceful shutdown. Consumers, writers and publishers the host declares as beans take part.
 */
@AutoConfiguration
@ConditionalOnClass(name = "dev.alchemist.core.AlchemistException")
public class AlchemistLifecycleAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public OrderedShutdown alchemistOrderedShutdown(ListableBeanFactory beans) {
    return new OrderedShutdown(beans);
  }
}
