using System.Text.Json.Nodes;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.FieldManagement;

namespace Axolotl.ApiServer.Tests.Admission;

/// <summary>The chain's two steps as the handlers call them: defaults, managedFields recorded, then mutation.</summary>
public sealed class MutatePhaseTests
{
    private const string Stored = """
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"ns","uid":"u","resourceVersion":"5",
         "managedFields":[{"manager":"creator","operation":"Update","apiVersion":"v1","time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:a":{}}}}]},
         "data":{"a":"1"}}
        """;

    /// <summary>Adds a label to every ConfigMap it is asked about.</summary>
    private sealed class Labeller(bool handles) : IMutatingAdmissionPlugin
    {
        public string Name => "Labeller";

        public bool Handles(AdmissionAttributes attributes) => handles;

        public Task AdmitAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct)
        {
            (obj.Metadata.Labels ??= [])["labelled"] = "yes";
            return Task.CompletedTask;
        }
    }

    private static async Task<(JsonObject Admitted, DefaultedObject Defaulted)> UpdateAsync(AdmissionChain chain)
    {
        var stored = JsonNode.Parse(Stored)!.AsObject();
        var body = (JsonObject)stored.DeepClone();
        body["data"]!["a"] = "2";
        var attributes = new AdmissionAttributes(AdmissionOperation.Update, KnownResources.ConfigMaps, "ns", null, null)
        {
            Name = "c",
            Object = body,
            OldObject = stored,
        };
        var defaulted = chain.Default(attributes);
        var fields = new FieldManager(TimeProvider.System);
        defaulted.SetManagedFields(fields.TrackUpdate(KnownResources.ConfigMaps, new FieldWrite("editor", false, null), stored, defaulted.Json,
            body["metadata"]!["managedFields"]!.DeepClone()));
        return (await chain.MutateAsync(attributes, defaulted, CancellationToken.None), defaulted);
    }

    private static string[] Managers(JsonObject obj) =>
        [.. obj["metadata"]!["managedFields"]!.AsArray().Select(e => e!["manager"]!.GetValue<string>())];

    [Fact]
    public async Task An_update_no_plugin_handles_is_the_defaulted_json_with_the_recorded_managed_fields()
    {
        var (admitted, defaulted) = await UpdateAsync(new AdmissionChain(new AdmissionPlugins([new Labeller(handles: false)])));

        Assert.Same(defaulted.Json, admitted);
        Assert.Null(admitted["metadata"]!["labels"]);
        Assert.Equal("2", admitted["data"]!["a"]!.GetValue<string>());
        Assert.Equal(["creator", "editor"], Managers(admitted));
    }

    [Fact]
    public async Task An_update_a_plugin_handles_is_encoded_again_and_what_the_plugin_added_is_nobodys()
    {
        var (admitted, defaulted) = await UpdateAsync(new AdmissionChain(new AdmissionPlugins([new Labeller(handles: true)])));

        Assert.NotSame(defaulted.Json, admitted);
        Assert.Equal("yes", admitted["metadata"]!["labels"]!["labelled"]!.GetValue<string>());
        Assert.Equal(["creator", "editor"], Managers(admitted));
        Assert.Equal("""{"f:data":{"f:a":{}}}""", admitted["metadata"]!["managedFields"]![1]!["fieldsV1"]!.ToJsonString());
    }
}
