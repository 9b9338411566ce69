package dev.alchemist.ai.internal;

/** UTF-8 length without encoding, for the pending-bytes bound. */
final class Utf8 {
  private Utf8() {}

  static long length(CharSequence s) {
    long n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        // 2 bytes below U+0800, else 3; a surrogate pair is 4 bytes for 2 chars (2 + 2).
        n += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2;
      }
    }
    return n;
  }
}
