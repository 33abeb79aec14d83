using System.Text.Json.Nodes;

namespace Axolotl.ApiServer.Registry;

/// <summary>An object as read from the store: its JSON (resourceVersion filled in) and its revision.</summary>
public sealed record StoredObject(JsonObject Object, long Revision);
