package dev.alchemist.store;

import dev.alchemist.core.Checks;
import dev.alchemist.core.Message;
import dev.alchemist.core.flow.IndexRange;
import dev.alchemist.core.flow.VirtualWindow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Maps the visible index range of a virtual list ({@link VirtualWindow}) onto keyset pages of one
 * dialog's messages, so a chat view of a million messages reads only the rows on screen.
 *
 * <p>Index 0 is the oldest message, as a chat shows them top to bottom; new messages append at the
 * end and never shift the indexes before them, which is what keyset paging by {@code (timestamp,
 * id)} keeps stable. The window remembers the cursor at the start of every page it has seen, so
 * scrolling reads one page per {@code pageSize} rows; the first jump to a deep index walks the
 * pages before it once. Up to {@code cachedPages} pages stay in memory (least recently used first
 * out); {@link #invalidateFrom(int)} forgets pages from an index on, for example after the last
 * page grew.
 *
 * <p>Thread-safe: calls are serialized by a lock, since a UI and a prefetcher may share a window.
 * It holds no connection between calls and needs no closing.
 */
public final class MessageWindow {
  private final MessageRepository messages;
  private final UUID dialogId;
  private final int pageSize;
  private final int cachedPages;
  private final ReentrantLock lock = new ReentrantLock();

  /** Entry k: the cursor after which page k starts; null for page 0. Grows as pages are read. */
  private final List<@Nullable MessageCursor> pageStarts = new ArrayList<>();

  private final Map<Integer, List<Message>> pages;

  /**
   * @param messages the repository to read from
   * @param dialogId the dialog whose messages are listed
   * @param pageSize rows per query, 1 to 1000; about two screens is a good size
   * @param cachedPages pages kept in memory, at least 1
   */
  public MessageWindow(MessageRepository messages, UUID dialogId, int pageSize, int cachedPages) {
    this.messages = Checks.notNull("messages", messages);
    this.dialogId = Checks.notNull("dialogId", dialogId);
    this.pageSize = (int) Checks.inRange("pageSize", pageSize, 1, 1000);
    this.cachedPages = Checks.atLeast("cachedPages", cachedPages, 1);
    this.pages =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, List<Message>> eldest) {
            return size() > MessageWindow.this.cachedPages;
          }
        };
    pageStarts.add(null);
  }

  /**
   * The messages at the indexes of {@code range}, oldest first; fewer when the range runs past the
   * newest message.
   */
  public List<Message> load(IndexRange range) {
    Checks.notNull("range", range);
    if (range.isEmpty()) {
      return List.of();
    }
    lock.lock();
    try {
      List<Message> result = new ArrayList<>(range.size());
      int firstPage = range.from() / pageSize;
      int lastPage = (range.to() - 1) / pageSize;
      for (int p = firstPage; p <= lastPage; p++) {
        List<Message> page = page(p);
        int base = p * pageSize;
        int from = Math.max(range.from() - base, 0);
        int to = Math.min(range.to() - base, page.size());
        if (from >= to) {
          break;
        }
        result.addAll(page.subList(from, to));
        if (page.size() < pageSize) {
          break;
        }
      }
      return result;
    } finally {
      lock.unlock();
    }
  }

  /** Forgets cached pages holding {@code index} or later, so they are read again. */
  public void invalidateFrom(int index) {
    Checks.notNegative("index", index);
    lock.lock();
    try {
      int firstStale = index / pageSize;
      pages.keySet().removeIf(p -> p >= firstStale);
      // A page start is the last row of the page before it: still valid unless that page changed.
      while (pageStarts.size() > firstStale + 1) {
        pageStarts.remove(pageStarts.size() - 1);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Page {@code p}, from memory or read after the nearest page whose start is known. */
  private List<Message> page(int p) {
    List<Message> cached = pages.get(p);
    if (cached != null) {
      return cached;
    }
    int known = Math.min(p, pageStarts.size() - 1);
    List<Message> page = List.of();
    for (int k = known; k <= p; k++) {
      page = pages.containsKey(k) ? pages.get(k) : read(k);
      if (page.size() < pageSize && k < p) {
        return List.of(); // the dialog ends before page p
      }
    }
    return page;
  }

  private List<Message> read(int k) {
    List<Message> page = messages.newerThan(dialogId, pageStarts.get(k), pageSize).messages();
    pages.put(k, page);
    if (page.size() == pageSize && pageStarts.size() == k + 1) {
      pageStarts.add(MessageCursor.at(page.get(page.size() - 1)));
    }
    return page;
  }

  @Override
  public String toString() {
    return "MessageWindow[dialog="
        + dialogId
        + ", pageSize="
        + pageSize
        + ", knownPages="
        + pageStarts.size()
        + "]";
  }
}
