package org.unionfs.nio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.HashMap;
import java.util.Map;

/**
 * Users and groups by name and id from {@code /etc/passwd} and {@code /etc/group} (read when the union
 * opens), the way the default provider names owners: the name if the id has one, else the number.
 * Lookups by name also take a decimal id, as the default provider's do.
 */
final class Principals extends UserPrincipalLookupService {
  private final Map<Integer, String> userNames = new HashMap<>();
  private final Map<String, Integer> userIds = new HashMap<>();
  private final Map<Integer, String> groupNames = new HashMap<>();
  private final Map<String, Integer> groupIds = new HashMap<>();

  Principals() {
    read(Path.of("/etc/passwd"), userNames, userIds);
    read(Path.of("/etc/group"), groupNames, groupIds);
  }

  private static void read(Path file, Map<Integer, String> names, Map<String, Integer> ids) {
    try {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.split(":");
        if (f.length > 2 && !line.startsWith("#")) {
          try {
            int id = Integer.parseInt(f[2]);
            names.putIfAbsent(id, f[0]);
            ids.putIfAbsent(f[0], id);
          } catch (NumberFormatException e) {
            continue; // a malformed line, as getpwent skips it
          }
        }
      }
    } catch (IOException e) {
      // no such database: owners are shown by number
    }
  }

  User user(int uid) {
    return new User(userNames.getOrDefault(uid, Integer.toString(uid)), uid);
  }

  Group group(int gid) {
    return new Group(groupNames.getOrDefault(gid, Integer.toString(gid)), gid);
  }

  @Override
  public UserPrincipal lookupPrincipalByName(String name) throws IOException {
    return new User(name, id(name, userIds));
  }

  @Override
  public GroupPrincipal lookupPrincipalByGroupName(String group) throws IOException {
    return new Group(group, id(group, groupIds));
  }

  private static int id(String name, Map<String, Integer> ids) throws UserPrincipalNotFoundException {
    Integer id = ids.get(name);
    if (id != null) {
      return id;
    }
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      throw new UserPrincipalNotFoundException(name);
    }
  }

  /** The id of any principal: ours directly, another provider's by its name. */
  int idOf(UserPrincipal p) throws IOException {
    if (p instanceof User u) {
      return u.id();
    }
    if (p instanceof Group g) {
      return g.id();
    }
    return p instanceof GroupPrincipal ? id(p.getName(), groupIds) : id(p.getName(), userIds);
  }

  /** A user, equal to another by id. */
  record User(String name, int id) implements UserPrincipal {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof User u && u.id == id;
    }

    @Override
    public int hashCode() {
      return id;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A group, equal to another by id. */
  record Group(String name, int id) implements GroupPrincipal {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Group g && g.id == id;
    }

    @Override
    public int hashCode() {
      return ~id;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
