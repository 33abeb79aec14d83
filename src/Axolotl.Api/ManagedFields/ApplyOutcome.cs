using System.Text.Json.Nodes;

namespace Axolotl.Api.ManagedFields;

/// <summary>The object an apply produces and whether it differs from the live one.</summary>
public sealed record ApplyOutcome(JsonObject Object, bool Changed);
