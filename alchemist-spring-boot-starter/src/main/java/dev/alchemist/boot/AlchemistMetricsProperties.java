package dev.alchemist.boot;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code alchemist.metrics.*}: the common tags the shipped Grafana dashboard filters by, and the
 * {@link dev.alchemist.metrics.RequestTracker} bean.
 */
@ConfigurationProperties("alchemist.metrics")
public class AlchemistMetricsProperties {
  /**
   * Add the tags application and instance to every meter of the application's registry, as the
   * dashboard expects; a tag the host already sets in management.metrics.tags.* is left alone.
   */
  private boolean commonTags = true;

  /** Value of the application tag; default spring.application.name, else "application". */
  private @Nullable String application;

  /** Value of the instance tag; default the host name. */
  private @Nullable String instance;

  /** Most distinct operation names the request tracker accepts. */
  private int maxOperations = 100;

  public boolean isCommonTags() {
    return commonTags;
  }

  public void setCommonTags(boolean commonTags) {
    this.commonTags = commonTags;
  }

  public @Nullable String getApplication() {
    return application;
  }

  public void setApplication(@Nullable String application) {
    this.application = application;
  }

  public @Nullable String getInstance() {
    return instance;
  }

  public void setInstance(@Nullable String instance) {
    this.instance = instance;
  }

  public int getMaxOperations() {
    return maxOperations;
  }

  public void setMaxOperations(int maxOperations) {
    this.maxOperations = maxOperations;
  }
}
