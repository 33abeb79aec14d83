using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Authentication;

/// <summary>authentication.k8s.io/v1 TokenReview: who does this token authenticate as? Created, answered, never stored.</summary>
[Description("Authenticates a token through the API server's authenticator.")]
public sealed class TokenReview : KubeObject<TokenReviewSpec, TokenReviewStatus>;
