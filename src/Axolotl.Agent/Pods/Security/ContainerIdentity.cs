using System.Globalization;
using Axolotl.Api.Core;
using Axolotl.Images;

namespace Axolotl.Agent.Pods.Security;

/// <summary>
/// Who a container's processes are: the kubelet's runAsNonRoot check, then containerd's user
/// resolution. The user is runAsUser, else the user part of the image's USER (the kubelet passes
/// only that on, so an image's "uid:gid" keeps its group only without any override); the group is
/// runAsGroup, else the user's primary group in the image's /etc/passwd (0 without an entry); the
/// supplementary groups are the image's groups for that user (supplementalGroupsPolicy Merge, the
/// default; none with Strict), then supplementalGroups, then fsGroup.
/// </summary>
public static class ContainerIdentity
{
    public static ImageUser Resolve(Pod pod, Container container, EffectiveSecurityContext context, ImageRoot image)
    {
        VerifyRunAsNonRoot(pod, container, context, image.User);
        var podContext = pod.Spec?.SecurityContext;
        var overridden = context.RunAsUser is not null || context.RunAsGroup is not null;
        string? user = image.User;
        if (overridden)
        {
            var userPart = context.RunAsUser is { } uid ? uid.ToString(CultureInfo.InvariantCulture) : UserPart(image.User) is { Length: > 0 } part ? part : "0";
            user = context.RunAsGroup is { } gid ? $"{userPart}:{gid.ToString(CultureInfo.InvariantCulture)}" : userPart;
        }

        var resolved = ImageUser.Resolve(user, image.LayersLowestFirst);
        var strict = podContext?.SupplementalGroupsPolicy == "Strict";
        var groups = strict ? new List<long>() : [.. resolved.SupplementaryGroups];
        foreach (var extra in (podContext?.SupplementalGroups ?? []).Concat(podContext?.FsGroup is { } fsGroup ? [fsGroup] : []))
        {
            if (!groups.Contains(extra))
            {
                groups.Add(extra);
            }
        }

        return resolved with { SupplementaryGroups = groups };
    }

    /// <summary>The kubelet's verifyRunAsNonRoot, with its messages (CreateContainerConfigError).</summary>
    public static void VerifyRunAsNonRoot(Pod pod, Container container, EffectiveSecurityContext context, string? imageUser)
    {
        if (context.RunAsNonRoot != true)
        {
            return;
        }

        var podText = FormatPod(pod);
        if (context.RunAsUser is { } runAsUser)
        {
            if (runAsUser == 0)
            {
                throw new ContainerConfigException($"container's runAsUser breaks non-root policy (pod: \"{podText}\", container: {container.Name})");
            }

            return;
        }

        var userPart = UserPart(imageUser);
        if (string.IsNullOrEmpty(userPart) || (long.TryParse(userPart, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) && uid == 0))
        {
            throw new ContainerConfigException($"container has runAsNonRoot and image will run as root (pod: \"{podText}\", container: {container.Name})");
        }

        if (!long.TryParse(userPart, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ContainerConfigException(
                $"container has runAsNonRoot and image has non-numeric user ({userPart}), cannot verify user is non-root (pod: \"{podText}\", container: {container.Name})");
        }
    }

    /// <summary>The kubelet's format.Pod: name_namespace(uid).</summary>
    public static string FormatPod(Pod pod) => $"{pod.Metadata.Name}_{pod.Metadata.Namespace}({pod.Metadata.Uid})";

    private static string? UserPart(string? imageUser) => imageUser?.Split(':')[0];
}
