using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 SelfSubjectRulesReview: what may I do in this namespace? (kubectl auth can-i --list).</summary>
[Description("Lists the actions the current user can perform in a namespace.")]
public sealed class SelfSubjectRulesReview : KubeObject<SelfSubjectRulesReviewSpec, SubjectRulesReviewStatus>;
