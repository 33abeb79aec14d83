namespace Axolotl.ApiServer.Admission.Policies;

/// <summary>
/// What one validation of a policy decided for a request (upstream's PolicyDecision): a refusal with its message and
/// reason, or an error the failurePolicy turned into a refusal (reason Invalid). Admissions are not recorded.
/// </summary>
public sealed record PolicyDecision(string Message, string Reason = "Invalid")
{
    /// <summary>Upstream's reasonToCode.</summary>
    public int Code => Reason switch
    {
        "Unauthorized" => 401,
        "Forbidden" => 403,
        "RequestEntityTooLarge" => 413,
        _ => 422,
    };
}
