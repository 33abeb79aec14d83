using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 SelfSubjectAccessReview: may I do this? (kubectl auth can-i).</summary>
[Description("Checks whether the current user can perform an action.")]
public sealed class SelfSubjectAccessReview : KubeObject<SelfSubjectAccessReviewSpec, SubjectAccessReviewStatus>;
