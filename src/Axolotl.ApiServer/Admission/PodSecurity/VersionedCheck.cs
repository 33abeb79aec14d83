using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// One revision of a check, in force from <paramref name="MinimumVersion"/> until the check's next
/// revision. <paramref name="Overrides"/> names baseline checks this restricted revision replaces.
/// </summary>
public sealed record VersionedCheck(PolicyVersion MinimumVersion, Func<ObjectMeta, PodSpec, CheckResult> CheckPod, IReadOnlyList<string>? Overrides = null);
