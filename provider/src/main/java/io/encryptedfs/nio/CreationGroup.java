package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Map;

/**
 * The group Linux gives a new file: its directory's group where that directory has the set-group-ID
 * bit, else the creating process's file-system group (its effective group). A copy staged in the
 * root's directory and then renamed into its target's keeps the group the root's directory gave it;
 * this tells which group it should have instead, so that it gets the one a file created at its name
 * gets (a shared directory's group, which the other members need to read it). Other systems (BSD
 * and macOS give a new file its directory's group always) are left as they were, as is a Linux file
 * system mounted {@code grpid}, which gives it as BSD does.
 */
record CreationGroup(GroupPrincipal toGive, boolean known) {
  /** What {@link #change} reads of each directory: one {@code stat}. */
  static final String ATTRIBUTES = "unix:dev,mode,gid,group";

  /** The copy has the group already. */
  static final CreationGroup SAME = new CreationGroup(null, true);

  /** Which group it needs cannot be told: only a file created at its name gets it. */
  static final CreationGroup UNKNOWN = new CreationGroup(null, false);

  private static final int SET_GROUP_ID = 02000;
  private static final boolean LINUX = System.getProperty("os.name", "").startsWith("Linux");
  private static final Path STATUS = Path.of("/proc/self/status");

  /**
   * What a file created in the directory with attributes {@code staging} needs to have the group a
   * file created in {@code target} gets: {@link #SAME}, a group to give, or {@link #UNKNOWN} where
   * the process's group cannot be read ({@code /proc} missing). {@code lookup} is the directories'
   * file system's.
   */
  static CreationGroup change(
      Map<String, Object> staging, Map<String, Object> target, UserPrincipalLookupService lookup)
      throws IOException {
    boolean fromStaging = setGroupId(staging);
    boolean fromTarget = setGroupId(target);
    if (!LINUX || (!fromStaging && !fromTarget)) {
      return SAME; // both the process's group
    }
    if (fromStaging && fromTarget) {
      return gid(staging) == gid(target) ? SAME : give(group(target));
    }
    Integer process = processGroup();
    if (process == null) {
      return UNKNOWN;
    }
    if (fromTarget) {
      return process == gid(target) ? SAME : give(group(target));
    }
    if (process == gid(staging)) {
      return SAME;
    }
    // a principal for a number: the JDK takes a group name it cannot find for a group id
    return give(lookup.lookupPrincipalByGroupName(Integer.toString(process)));
  }

  private static CreationGroup give(GroupPrincipal group) {
    return new CreationGroup(group, true);
  }

  private static boolean setGroupId(Map<String, Object> attrs) {
    return ((Integer) attrs.get("mode") & SET_GROUP_ID) != 0;
  }

  private static int gid(Map<String, Object> attrs) {
    return (Integer) attrs.get("gid");
  }

  private static GroupPrincipal group(Map<String, Object> attrs) {
    return (GroupPrincipal) attrs.get("group");
  }

  /** The file-system group id, the fourth on the {@code Gid:} line; null if not found. */
  private static Integer processGroup() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("Gid:")) {
          return Integer.valueOf(line.substring(4).trim().split("\\s+")[3]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc (a container without it): the caller copies at the name instead
    }
    return null;
  }
}
