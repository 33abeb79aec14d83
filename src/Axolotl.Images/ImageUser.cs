using System.Globalization;

namespace Axolotl.Images;

/// <summary>The identity a container's process runs with: uid, gid and supplementary groups.</summary>
public sealed record ImageUser(long Uid, long Gid, IReadOnlyList<long> SupplementaryGroups)
{
    public static ImageUser Root { get; } = new(0, 0, [0]);

    /// <summary>
    /// Resolves an image config's <c>User</c> ("", "uid", "uid:gid", "name", "name:group", …) in the
    /// image's own /etc/passwd and /etc/group, as containerd's WithUser and WithAdditionalGIDs do: a
    /// numeric uid needs no passwd entry (its group is then 0), a name must have one; the supplementary
    /// groups are the primary group and every group that lists the user as a member.
    /// Throws <see cref="ImageUserException"/> with runc's wording when a name is unknown.
    /// </summary>
    public static ImageUser Resolve(string? user, IReadOnlyList<string> layersLowestFirst)
    {
        // Snapshots never change once unpacked: a restart need not read passwd and group again.
        var key = (user ?? "") + "\0" + string.Join('\0', layersLowestFirst);
        if (Resolved.TryGetValue(key, out var known))
        {
            return known;
        }

        var resolved = ResolveFromFiles(user, layersLowestFirst);
        if (Resolved.Count < MaxRemembered)
        {
            Resolved[key] = resolved;
        }

        return resolved;
    }

    private const int MaxRemembered = 4096;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ImageUser> Resolved = new(StringComparer.Ordinal);

    private static ImageUser ResolveFromFiles(string? user, IReadOnlyList<string> layersLowestFirst)
    {
        var passwd = Parse(LayerFiles.ReadText(layersLowestFirst, "etc/passwd"));
        var groups = Parse(LayerFiles.ReadText(layersLowestFirst, "etc/group"));
        var spec = string.IsNullOrEmpty(user) ? "0" : user;
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var userPart = colon < 0 ? spec : spec[..colon];
        var groupPart = colon < 0 ? null : spec[(colon + 1)..];

        long uid;
        long gid = 0;
        string? name = null;
        if (TryId(userPart, out uid))
        {
            var entry = passwd.FirstOrDefault(e => e.Length >= 4 && e[2] == userPart);
            if (entry is not null)
            {
                name = entry[0];
                TryId(entry[3], out gid);
            }
        }
        else
        {
            var entry = passwd.FirstOrDefault(e => e.Length >= 4 && e[0] == userPart)
                ?? throw new ImageUserException($"unable to find user {userPart}: no matching entries in passwd file");
            if (!TryId(entry[2], out uid))
            {
                throw new ImageUserException($"unable to find user {userPart}: invalid uid \"{entry[2]}\" in passwd file");
            }

            name = userPart;
            TryId(entry[3], out gid);
        }

        if (groupPart is not null)
        {
            if (!TryId(groupPart, out gid))
            {
                var group = groups.FirstOrDefault(g => g.Length >= 3 && g[0] == groupPart)
                    ?? throw new ImageUserException($"unable to find group {groupPart}: no matching entries in group file");
                if (!TryId(group[2], out gid))
                {
                    throw new ImageUserException($"unable to find group {groupPart}: invalid gid \"{group[2]}\" in group file");
                }
            }
        }

        var supplementary = new List<long> { gid };
        if (name is not null)
        {
            foreach (var group in groups.Where(g => g.Length >= 4 && g[3].Split(',').Contains(name, StringComparer.Ordinal)))
            {
                if (TryId(group[2], out var member) && !supplementary.Contains(member))
                {
                    supplementary.Add(member);
                }
            }
        }

        return new ImageUser(uid, gid, supplementary);
    }

    private static bool TryId(string text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id <= uint.MaxValue - 1;

    private static List<string[]> Parse(string? text) =>
        text is null ? [] : [.. text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l.TrimEnd('\r').Split(':'))];
}

/// <summary>The image's user or group does not exist in it (the kubelet reports CreateContainerError).</summary>
public sealed class ImageUserException(string message) : Exception(message);
