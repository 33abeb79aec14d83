using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 LocalSubjectAccessReview: a SubjectAccessReview confined to one namespace.</summary>
[Description("Checks whether a user or group can perform an action in a given namespace.")]
public sealed class LocalSubjectAccessReview : KubeObject<SubjectAccessReviewSpec, SubjectAccessReviewStatus>;
