using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Api.Tests.Reference;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Tests.Validation;

/// <summary>
/// The two walks every write's decode makes (<see cref="GoNulls"/> over the JSON, <see cref="UnknownFields"/> over the
/// typed object) were rewritten for speed; on realistic objects and seeded variants of them with nulls and unknown
/// fields at every depth, they must give what the implementations before gave (kept in Reference/), to the byte and in order.
/// </summary>
public sealed class DecodeWalksDifferentialTests
{
    private static readonly (Type Type, string Json)[] Objects =
    [
        (typeof(Pod), Kinds.Manifests.Pod),
        (typeof(Deployment), Kinds.Manifests.Deployment),
        (typeof(Node), Kinds.Manifests.Node),
        (typeof(Service), Kinds.Manifests.Service),
        (typeof(Pod), """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n","labels":{"app":"scale"},
            "managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{}}},
            {"manager":"agent","operation":"Update","subresource":"status","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:status":{}}}]},
            "spec":{"nodeName":"n1","containers":[{"name":"web","image":"nginx","ports":[{"containerPort":80}],"env":[{"name":"A","value":"b"}],
            "resources":{"requests":{"cpu":"5m"}},"readinessProbe":{"httpGet":{"path":"/","port":80}}}]},
            "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
            "containerStatuses":[{"name":"web","ready":true,"restartCount":0,"image":"nginx","imageID":"","state":{"running":{"startedAt":"2026-01-01T00:00:00Z"}}}]}}
            """),
    ];

    [Fact]
    public void Nulls_are_normalised_and_unknown_fields_found_as_before_on_every_variant()
    {
        var random = new Random(34);
        var compared = 0;
        foreach (var (type, json) in Objects)
        {
            for (var variant = 0; variant < 60; variant++)
            {
                var node = JsonNode.Parse(json)!;
                if (variant > 0)
                {
                    Mutate(node, random, variant % 3 == 0 ? 0.3 : 0.08);
                }
                var before = node.DeepClone();
                var after = node.DeepClone();
                GoNullsBefore.Normalize(before, type);
                GoNulls.Normalize(after, type);
                Assert.Equal(before.ToJsonString(), after.ToJsonString());

                object? typed;
                try
                {
                    typed = KubeJson.FromNode(after, type);
                }
                catch (JsonException)
                {
                    continue; // a mutation the decoder refuses (a null where a number goes) has no typed object to walk
                }
                var obj = Assert.IsAssignableFrom<Axolotl.Api.Meta.KubeObject>(typed);
                Assert.Equal(UnknownFieldsBefore.Find(obj), UnknownFields.Find(obj));
                compared++;
            }
        }
        Assert.True(compared > 150, $"only {compared} variants decoded");
    }

    [Fact]
    public void Unknown_fields_in_list_items_and_objects_of_the_spec_are_named_as_before()
    {
        var pod = KubeJson.FromNode<Pod>(JsonNode.Parse("""
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","resources":{"claims":[{"name":"x","zz":1}]}}],
            "overhead":{"cpu":"1"},"zz":{"a":[1]}},"status":{"zz":null}}
            """)!)!;

        Assert.Equal(UnknownFieldsBefore.Find(pod), UnknownFields.Find(pod));
        Assert.Contains("spec.containers[0].resources.claims[0].zz", UnknownFields.Find(pod));
    }

    /// <summary>Adds unknown keys, turns values into nulls and inserts null list items, each with probability <paramref name="p"/>.</summary>
    private static void Mutate(JsonNode node, Random random, double p)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(e => e.Key).ToList())
                {
                    if (obj[key] is { } child)
                    {
                        Mutate(child, random, p);
                    }
                    if (random.NextDouble() < p / 2)
                    {
                        obj[key] = null;
                    }
                }
                if (random.NextDouble() < p)
                {
                    obj["zz" + random.Next(100)] = random.Next(3) switch
                    {
                        0 => 1,
                        1 => new JsonObject { ["inner"] = "x" },
                        _ => new JsonArray(1, "two"),
                    };
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        Mutate(item, random, p);
                    }
                }
                if (random.NextDouble() < p)
                {
                    array.Insert(random.Next(array.Count + 1), null);
                }
                break;
        }
    }
}
