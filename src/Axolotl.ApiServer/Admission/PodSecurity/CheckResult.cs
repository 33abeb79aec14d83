namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// One check's verdict. Reason is the short name printed for every violation ("host namespaces"),
/// Detail the specifics printed after it in parentheses when one pod is judged ("hostNetwork=true").
/// </summary>
public readonly record struct CheckResult(bool Allowed, string Reason, string Detail)
{
    public static CheckResult Allow { get; } = new(true, "", "");

    public static CheckResult Forbid(string reason, string detail) => new(false, reason, detail);
}
