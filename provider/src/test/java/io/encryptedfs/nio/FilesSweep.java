package io.encryptedfs.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every {@code Files} method, and every attribute view and attribute name of the views the JDK
 * offers on Linux, called on one path that is not there: one line per call, with its result or its
 * exception's type and the paths it names, spelt relative to the paths given, so that the answers
 * for two such paths, in one file system or two, compare line by line.
 */
final class FilesSweep {
  private interface Call {
    Object run() throws Exception;
  }

  private interface Action {
    void run() throws Exception;
  }

  private static final LinkOption[][] FOLLOWING = {{}, {NOFOLLOW_LINKS}};
  private static final String[] ATTRIBUTE_READS = {
    "*",
    "size",
    "basic:*",
    "basic:size,lastModifiedTime",
    "posix:*",
    "posix:permissions",
    "owner:*",
    "owner:owner",
    "unix:*",
    "unix:mode,ino",
    "dos:*",
    "user:*",
    "acl:*",
    "nosuch:*"
  };
  private static final String[] ATTRIBUTE_GETS = {
    "size",
    "lastModifiedTime",
    "basic:isRegularFile",
    "posix:group",
    "owner:owner",
    "unix:uid",
    "unix:nlink",
    "dos:hidden",
    "user:x"
  };

  private final Path probe;
  private final Path existing;
  private final Path elsewhere;
  private final List<String> lines = new ArrayList<>();

  /**
   * @param probe the path that is not there
   * @param existing a regular file in the same file system, which the sweep leaves as it was
   * @param elsewhere a path in an existing directory of that file system, free for copies
   */
  private FilesSweep(Path probe, Path existing, Path elsewhere) {
    this.probe = probe;
    this.existing = existing;
    this.elsewhere = elsewhere;
  }

  static List<String> of(Path probe, Path existing, Path elsewhere) throws IOException {
    FilesSweep sweep = new FilesSweep(probe, existing, elsewhere);
    sweep.probing();
    sweep.attributes();
    sweep.views();
    sweep.content();
    sweep.directories();
    sweep.changes();
    return sweep.lines;
  }

  private void probing() {
    for (LinkOption[] o : FOLLOWING) {
      String s = o.length == 0 ? "" : " NOFOLLOW";
      see("exists" + s, () -> Files.exists(probe, o));
      see("notExists" + s, () -> Files.notExists(probe, o));
      see("isDirectory" + s, () -> Files.isDirectory(probe, o));
      see("isRegularFile" + s, () -> Files.isRegularFile(probe, o));
      see("toRealPath" + s, () -> probe.toRealPath(o));
    }
    see("isSymbolicLink", () -> Files.isSymbolicLink(probe));
    see("isHidden", () -> Files.isHidden(probe));
    see("isReadable", () -> Files.isReadable(probe));
    see("isWritable", () -> Files.isWritable(probe));
    see("isExecutable", () -> Files.isExecutable(probe));
    see("checkAccess", () -> provider().checkAccess(probe));
    see("getFileStore", () -> Files.getFileStore(probe));
    see("readSymbolicLink", () -> Files.readSymbolicLink(probe));
    see("probeContentType", () -> Files.probeContentType(probe));
    see("isSameFile itself", () -> Files.isSameFile(probe, probe));
    see("isSameFile existing", () -> Files.isSameFile(probe, existing));
    see("isSameFile from existing", () -> Files.isSameFile(existing, probe));
    see("mismatch", () -> Files.mismatch(probe, existing));
    see("mismatch from existing", () -> Files.mismatch(existing, probe));
    see("size", () -> Files.size(probe));
  }

  private void attributes() throws IOException {
    FileTime time = FileTime.fromMillis(1_000_000_000_000L);
    UserPrincipal owner = Files.getOwner(existing);
    GroupPrincipal group = Files.readAttributes(existing, PosixFileAttributes.class).group();
    for (LinkOption[] o : FOLLOWING) {
      String s = o.length == 0 ? "" : " NOFOLLOW";
      see("getLastModifiedTime" + s, () -> Files.getLastModifiedTime(probe, o));
      see("getOwner" + s, () -> Files.getOwner(probe, o));
      see("getPosixFilePermissions" + s, () -> Files.getPosixFilePermissions(probe, o));
      for (var type : List.of(BasicFileAttributes.class, PosixFileAttributes.class)) {
        see(
            "readAttributes " + type.getSimpleName() + s,
            () -> Files.readAttributes(probe, type, o));
      }
      see("readAttributes Dos" + s, () -> Files.readAttributes(probe, DosFileAttributes.class, o));
      for (String a : ATTRIBUTE_READS) {
        see("readAttributes " + a + s, () -> Files.readAttributes(probe, a, o));
      }
      for (String a : ATTRIBUTE_GETS) {
        see("getAttribute " + a + s, () -> Files.getAttribute(probe, a, o));
      }
      set("lastModifiedTime", time, o);
      set("basic:lastAccessTime", time, o);
      set("basic:creationTime", time, o);
      set("basic:size", 3L, o);
      set("posix:permissions", PosixFilePermissions.fromString("rw-------"), o);
      set("posix:group", group, o);
      set("posix:owner", owner, o);
      set("owner:owner", owner, o);
      set("unix:mode", 0600, o);
      set("dos:hidden", true, o);
      set("user:x", "y".getBytes(UTF_8), o);
    }
    see("setLastModifiedTime", () -> Files.setLastModifiedTime(probe, time));
    see("setOwner", () -> Files.setOwner(probe, owner));
    see(
        "setPosixFilePermissions",
        () -> Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rw-------")));
  }

  private void set(String attribute, Object value, LinkOption[] o) {
    String s = o.length == 0 ? "" : " NOFOLLOW";
    see("setAttribute " + attribute + s, () -> Files.setAttribute(probe, attribute, value, o));
  }

  /** Every view the JDK has, by class, and each method of the views that are there. */
  private void views() throws IOException {
    FileTime time = FileTime.fromMillis(1_000_000_000_000L);
    UserPrincipal owner = Files.getOwner(existing);
    GroupPrincipal group = Files.readAttributes(existing, PosixFileAttributes.class).group();
    List<Class<? extends FileAttributeView>> types =
        List.of(
            BasicFileAttributeView.class,
            PosixFileAttributeView.class,
            FileOwnerAttributeView.class,
            DosFileAttributeView.class,
            UserDefinedFileAttributeView.class,
            AclFileAttributeView.class);
    for (LinkOption[] o : FOLLOWING) {
      String s = o.length == 0 ? "" : " NOFOLLOW";
      for (var type : types) {
        String name = type.getSimpleName() + s;
        FileAttributeView view = Files.getFileAttributeView(probe, type, o);
        lines.add(name + ": " + (view == null ? "null" : "view " + view.name()));
        if (view instanceof BasicFileAttributeView b && type == BasicFileAttributeView.class) {
          see(name + " readAttributes", b::readAttributes);
          see(name + " setTimes", () -> b.setTimes(time, time, time));
          see(name + " setTimes none", () -> b.setTimes(null, null, null));
        }
        if (view instanceof PosixFileAttributeView p && type == PosixFileAttributeView.class) {
          see(name + " readAttributes", p::readAttributes);
          see(name + " setTimes", () -> p.setTimes(time, null, null));
          see(name + " setPermissions", () -> p.setPermissions(Set.of()));
          see(name + " setGroup", () -> p.setGroup(group));
          see(name + " getOwner", p::getOwner);
          see(name + " setOwner", () -> p.setOwner(owner));
        }
        if (view instanceof FileOwnerAttributeView v && type == FileOwnerAttributeView.class) {
          see(name + " getOwner", v::getOwner);
          see(name + " setOwner", () -> v.setOwner(owner));
        }
      }
    }
  }

  private void content() {
    see("newInputStream", () -> close(Files.newInputStream(probe)));
    see("newOutputStream", () -> close(Files.newOutputStream(probe)));
    see("newOutputStream APPEND", () -> close(Files.newOutputStream(probe, APPEND)));
    see("newOutputStream WRITE", () -> close(Files.newOutputStream(probe, WRITE)));
    see("newByteChannel", () -> close(Files.newByteChannel(probe)));
    see("newByteChannel CREATE_NEW", () -> close(Files.newByteChannel(probe, WRITE, CREATE_NEW)));
    see("FileChannel READ", () -> close(FileChannel.open(probe, READ)));
    see("FileChannel CREATE", () -> close(FileChannel.open(probe, WRITE, CREATE)));
    see("AsynchronousFileChannel", () -> close(AsynchronousFileChannel.open(probe, READ)));
    see("newBufferedReader", () -> close(Files.newBufferedReader(probe)));
    see("newBufferedWriter", () -> close(Files.newBufferedWriter(probe)));
    see("readAllBytes", () -> Files.readAllBytes(probe));
    see("readString", () -> Files.readString(probe));
    see("readAllLines", () -> Files.readAllLines(probe));
    see("lines", () -> count(Files.lines(probe)));
    see("write", () -> Files.write(probe, new byte[] {1}));
    see("write lines", () -> Files.write(probe, List.of("x")));
    see("writeString", () -> Files.writeString(probe, "x"));
    see("copy from stream", () -> Files.copy(new ByteArrayInputStream(new byte[1]), probe));
    see("copy to stream", () -> Files.copy(probe, new ByteArrayOutputStream()));
  }

  private void directories() {
    see("newDirectoryStream", () -> close(Files.newDirectoryStream(probe)));
    see("newDirectoryStream glob", () -> close(Files.newDirectoryStream(probe, "*")));
    see("newDirectoryStream filter", () -> close(Files.newDirectoryStream(probe, e -> true)));
    see("list", () -> count(Files.list(probe)));
    see("walk", () -> count(Files.walk(probe)));
    see("walk 1", () -> count(Files.walk(probe, 1)));
    see("find", () -> count(Files.find(probe, 1, (f, a) -> true)));
    see("walkFileTree", this::walkFileTree);
    see("register", this::register);
    see("createTempFile in", () -> Files.createTempFile(probe, "t", null));
    see("createTempDirectory in", () -> Files.createTempDirectory(probe, "t"));
    see("child readAllBytes", () -> Files.readAllBytes(probe.resolve("child")));
    see("child exists", () -> Files.exists(probe.resolve("child")));
    see("child createFile", () -> Files.createFile(probe.resolve("child")));
  }

  private Object walkFileTree() throws IOException {
    List<String> visited = new ArrayList<>();
    Files.walkFileTree(
        probe,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            visited.add("failed " + outcome(e));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            visited.add("visited");
            return FileVisitResult.CONTINUE;
          }
        });
    return visited;
  }

  private Object register() throws IOException {
    try (WatchService watcher = probe.getFileSystem().newWatchService()) {
      return probe.register(watcher, StandardWatchEventKinds.ENTRY_CREATE).isValid();
    }
  }

  /** The calls that would change a file; on a path that is not there each must fail. */
  private void changes() {
    see("createFile", () -> Files.createFile(probe));
    see("createDirectory", () -> Files.createDirectory(probe));
    see("createSymbolicLink", () -> Files.createSymbolicLink(probe, existing.getFileName()));
    see("createLink", () -> Files.createLink(probe, existing));
    see("delete", () -> Files.delete(probe));
    see("deleteIfExists", () -> Files.deleteIfExists(probe));
    see("copy", () -> Files.copy(probe, elsewhere));
    see("copy NOFOLLOW", () -> Files.copy(probe, elsewhere, NOFOLLOW_LINKS));
    see("copy onto", () -> Files.copy(existing, probe));
    see("copy onto REPLACE", () -> Files.copy(existing, probe, REPLACE_EXISTING));
    see("move", () -> Files.move(probe, elsewhere));
    see("move onto", () -> Files.move(existing, probe));
    see("move onto REPLACE", () -> Files.move(existing, probe, REPLACE_EXISTING));
    see("existing afterwards", () -> Files.readString(existing));
    see("elsewhere afterwards", () -> Files.exists(elsewhere, NOFOLLOW_LINKS));
  }

  private java.nio.file.spi.FileSystemProvider provider() {
    return probe.getFileSystem().provider();
  }

  private void see(String what, Action action) {
    see(
        what,
        () -> {
          action.run();
          return "done";
        });
  }

  private void see(String what, Call call) {
    String outcome;
    try {
      outcome = describe(call.run());
    } catch (Exception e) {
      outcome = outcome(e);
    }
    lines.add(what + ": " + outcome);
  }

  private String describe(Object result) {
    if (result instanceof Path p) {
      return "path " + spell(p.toString());
    }
    if (result instanceof byte[] b) {
      return b.length + " bytes";
    }
    boolean plain =
        result == null
            || result instanceof Boolean
            || result instanceof Number
            || result instanceof String
            || result instanceof List;
    return plain ? String.valueOf(result) : "a value";
  }

  private String outcome(Exception e) {
    if (e instanceof FileSystemException f) {
      return f.getClass().getSimpleName()
          + " file="
          + spell(f.getFile())
          + " other="
          + spell(f.getOtherFile())
          + " reason="
          + f.getReason();
    }
    return e.getClass().getSimpleName();
  }

  /** A path as the sweep's own names, so two sweeps' lines compare; temporary names as "N". */
  private String spell(String path) {
    if (path == null) {
      return null;
    }
    return path.replace(probe.toString(), "<probe>")
        .replace(existing.toString(), "<existing>")
        .replace(elsewhere.toString(), "<elsewhere>")
        .replaceAll("t[0-9]+", "tN");
  }

  private static Object close(AutoCloseable c) throws Exception {
    c.close();
    return "opened";
  }

  private static Object count(Stream<?> s) {
    try (s) {
      return s.count();
    }
  }
}
