using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Authentication;

/// <summary>authentication.k8s.io/v1 SelfSubjectReview: who am I? (kubectl auth whoami).</summary>
[Description("Returns the user information of the caller.")]
public sealed class SelfSubjectReview : KubeObject
{
    [Description("The caller's user information, filled in by the server.")]
    public SelfSubjectReviewStatus? Status { get; set; }
}
