using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 SubjectAccessReview: may this user do this? Created, answered, never stored.</summary>
[Description("Checks whether a user or group can perform an action.")]
public sealed class SubjectAccessReview : KubeObject<SubjectAccessReviewSpec, SubjectAccessReviewStatus>;
