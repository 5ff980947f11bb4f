package io.encryptedfs.nio;

import java.io.File;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A path in an encrypted file system: a plain value, names separated by {@code /}, that does no
 * I/O. The provider maps it to the underlying file under the root directory.
 */
final class EncryptedPath implements Path {
  private final EncryptedFileSystem fs;
  private final boolean absolute;
  private final String[] names;

  EncryptedPath(EncryptedFileSystem fs, boolean absolute, String[] names) {
    this.fs = fs;
    this.absolute = absolute;
    this.names = names;
  }

  /** Parses {@code first} and {@code more} joined by {@code /}, dropping empty names. */
  static EncryptedPath parse(EncryptedFileSystem fs, String first, String... more) {
    StringBuilder joined = new StringBuilder(first);
    for (String m : more) {
      if (!m.isEmpty()) {
        if (joined.length() > 0) {
          joined.append('/');
        }
        joined.append(m);
      }
    }
    String s = joined.toString();
    if (s.indexOf('\0') >= 0) {
      throw new java.nio.file.InvalidPathException(s, "NUL character not allowed");
    }
    int lone = loneSurrogate(s);
    if (lone >= 0) {
      // No byte sequence on disk stands for it: refused here, as the default file system does,
      // rather than at the first I/O call, and never turned into another name by toUri.
      throw new java.nio.file.InvalidPathException(s, "unpaired surrogate character", lone);
    }
    List<String> parts = new ArrayList<>();
    for (String part : s.split("/")) {
      if (!part.isEmpty()) {
        RawNames.requireStorable(fs.root().getFileSystem(), s, part);
        parts.add(part);
      }
    }
    return new EncryptedPath(fs, s.startsWith("/"), parts.toArray(new String[0]));
  }

  /** The index of the first surrogate character that is not half of a pair; -1 if none. */
  static int loneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  String[] names() {
    return names.clone();
  }

  int nameCount() {
    return names.length;
  }

  String name(int i) {
    return names[i];
  }

  @Override
  public EncryptedFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return absolute;
  }

  @Override
  public EncryptedPath getRoot() {
    return absolute ? new EncryptedPath(fs, true, new String[0]) : null;
  }

  /** The empty path: relative, no names here, but one empty name to callers, as on the JDK's. */
  private boolean isEmpty() {
    return !absolute && names.length == 0;
  }

  @Override
  public EncryptedPath getFileName() {
    if (isEmpty()) {
      return this;
    }
    if (names.length == 0) {
      return null;
    }
    return new EncryptedPath(fs, false, new String[] {names[names.length - 1]});
  }

  @Override
  public EncryptedPath getParent() {
    if (names.length == 0 || (names.length == 1 && !absolute)) {
      return null;
    }
    return new EncryptedPath(fs, absolute, Arrays.copyOf(names, names.length - 1));
  }

  @Override
  public int getNameCount() {
    return isEmpty() ? 1 : names.length;
  }

  @Override
  public EncryptedPath getName(int index) {
    if (index < 0 || index >= getNameCount()) {
      throw new IllegalArgumentException("name index " + index + " out of range");
    }
    return isEmpty() ? this : new EncryptedPath(fs, false, new String[] {names[index]});
  }

  @Override
  public EncryptedPath subpath(int beginIndex, int endIndex) {
    if (beginIndex < 0 || endIndex > getNameCount() || beginIndex >= endIndex) {
      throw new IllegalArgumentException("subpath(" + beginIndex + ", " + endIndex + ")");
    }
    return isEmpty()
        ? this
        : new EncryptedPath(fs, false, Arrays.copyOfRange(names, beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    if (!(other instanceof EncryptedPath o) || o.fs != fs || o.absolute != absolute) {
      return false;
    }
    if (o.isEmpty()) {
      return isEmpty();
    }
    if (o.names.length > names.length) {
      return false;
    }
    for (int i = 0; i < o.names.length; i++) {
      if (!names[i].equals(o.names[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean endsWith(Path other) {
    if (!(other instanceof EncryptedPath o) || o.fs != fs) {
      return false;
    }
    if (o.absolute) {
      return equals(o);
    }
    if (o.names.length > names.length || o.names.length == 0) {
      return o.names.length == 0 && names.length == 0 && !absolute;
    }
    int shift = names.length - o.names.length;
    for (int i = 0; i < o.names.length; i++) {
      if (!names[shift + i].equals(o.names[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public EncryptedPath normalize() {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (n.equals(".")) {
        continue;
      }
      if (n.equals("..")) {
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
          out.remove(out.size() - 1);
          continue;
        }
        if (absolute) {
          continue;
        }
      }
      out.add(n);
    }
    return new EncryptedPath(fs, absolute, out.toArray(new String[0]));
  }

  @Override
  public EncryptedPath resolve(Path other) {
    EncryptedPath o = check(other);
    if (o.absolute) {
      return o;
    }
    if (o.names.length == 0) {
      return this;
    }
    String[] joined = Arrays.copyOf(names, names.length + o.names.length);
    System.arraycopy(o.names, 0, joined, names.length, o.names.length);
    return new EncryptedPath(fs, absolute, joined);
  }

  /**
   * As the JDK's Unix path does: both paths are normalized first when either holds {@code .} or
   * {@code ..}, and a base whose unmatched names still hold {@code ..} has no answer, since the
   * names {@code ..} climbs out of are unknown.
   */
  @Override
  public EncryptedPath relativize(Path other) {
    EncryptedPath child = check(other);
    if (child.equals(this)) {
      return new EncryptedPath(fs, false, new String[0]);
    }
    if (child.absolute != absolute) {
      throw new IllegalArgumentException("cannot relativize an absolute and a relative path");
    }
    if (isEmpty()) {
      return child;
    }
    EncryptedPath base = this;
    if (base.hasDotOrDotDot() || child.hasDotOrDotDot()) {
      base = base.normalize();
      child = child.normalize();
    }
    int common = 0;
    while (common < base.names.length
        && common < child.names.length
        && base.names[common].equals(child.names[common])) {
      common++;
    }
    List<String> out = new ArrayList<>();
    for (int i = common; i < base.names.length; i++) {
      if (base.names[i].equals("..")) {
        throw new IllegalArgumentException(
            "cannot compute a relative path from " + this + " to " + other);
      }
      out.add("..");
    }
    out.addAll(Arrays.asList(child.names).subList(common, child.names.length));
    return new EncryptedPath(fs, false, out.toArray(new String[0]));
  }

  private boolean hasDotOrDotDot() {
    for (String n : names) {
      if (n.equals(".") || n.equals("..")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public URI toUri() {
    return fs.uriOf(toAbsolutePath().normalize());
  }

  /**
   * This path's names as the percent-encoded path of a URI, non-ASCII characters included, as the
   * root's directory is and the default provider's {@code toUri} encodes them.
   */
  String toUri0() {
    try {
      return new URI(null, null, toString(), null).toASCIIString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot encode path as a URI: " + this, e);
    }
  }

  @Override
  public EncryptedPath toAbsolutePath() {
    return absolute ? this : new EncryptedPath(fs, true, names);
  }

  @Override
  public EncryptedPath toRealPath(LinkOption... options) throws java.io.IOException {
    return fs.provider().toRealPath(this, options);
  }

  /** Libraries fall back to NIO when this throws; a {@code File} would let them read ciphertext. */
  @Override
  public File toFile() {
    throw new UnsupportedOperationException(
        "an encrypted path has no java.io.File: use java.nio.file.Files on the Path");
  }

  @Override
  public WatchKey register(
      WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
      throws java.io.IOException {
    return EncryptedWatchService.register(watcher, this, events, modifiers);
  }

  /** Orders by code point, as the JDK's Unix path orders by UTF-8 byte; UTF-16 units would not. */
  @Override
  public int compareTo(Path other) {
    // As the JDK's paths: another provider's path is a ClassCastException, not a mismatch.
    EncryptedPath o = (EncryptedPath) Objects.requireNonNull(other, "path");
    int byName = compareNames(o);
    if (byName != 0 || o.fs == fs) {
      return byName;
    }
    // The same names in two roots: ordered by root, so that compareTo agrees with equals (a
    // TreeSet of paths from two roots kept one of each pair).
    int byRoot = fs.root().toString().compareTo(o.fs.root().toString());
    return byRoot != 0
        ? byRoot
        : Integer.compare(System.identityHashCode(fs), System.identityHashCode(o.fs));
  }

  private int compareNames(EncryptedPath other) {
    String a = toString();
    String b = other.toString();
    int i = 0;
    while (i < a.length() && i < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(i);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
    }
    return Integer.compare(a.length(), b.length());
  }

  private EncryptedPath check(Path other) {
    Objects.requireNonNull(other, "path");
    if (!(other instanceof EncryptedPath o)) {
      throw new ProviderMismatchException("not an encrypted path: " + other);
    }
    return o;
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof EncryptedPath o
        && o.fs == fs
        && o.absolute == absolute
        && Arrays.equals(o.names, names);
  }

  @Override
  public int hashCode() {
    return Objects.hash(System.identityHashCode(fs), absolute, Arrays.hashCode(names));
  }

  @Override
  public String toString() {
    String joined = String.join("/", names);
    return absolute ? "/" + joined : joined;
  }
}
