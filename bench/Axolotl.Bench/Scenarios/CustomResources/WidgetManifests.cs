using System.Globalization;
using System.Text;

namespace Axolotl.Bench.Scenarios.CustomResources;

/// <summary>
/// What custom-resources creates: a realistic CRD (namespaced; a structural schema with typed, bounded fields,
/// an enum, a set list, a string map, a default, a CEL rule and the status subresource), its Widgets, and
/// ConfigMaps carrying the same strings so both bodies are about the same size. Bodies are built before the clock starts.
/// </summary>
internal static class WidgetManifests
{
    public const string Group = "bench.axolotl.dev";
    public const string Plural = "widgets";
    public const string CrdName = Plural + "." + Group;
    public const string CrdsPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    public static byte[] Definition() => Encoding.UTF8.GetBytes("""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"CRD_NAME"},
        "spec":{"group":"GROUP","scope":"Namespaced",
        "names":{"plural":"PLURAL","singular":"widget","kind":"Widget","listKind":"WidgetList","shortNames":["wdg"]},
        "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
        "additionalPrinterColumns":[{"name":"Color","type":"string","jsonPath":".spec.color"},{"name":"Replicas","type":"integer","jsonPath":".spec.replicas"}],
        "schema":{"openAPIV3Schema":{"type":"object","properties":{
          "spec":{"type":"object","required":["size","color"],
            "x-kubernetes-validations":[{"rule":"self.replicas <= self.size * 10","message":"at most ten replicas per unit of size"}],
            "properties":{
              "size":{"type":"integer","minimum":1,"maximum":100},
              "color":{"type":"string","enum":["red","green","blue"]},
              "replicas":{"type":"integer","minimum":0,"default":1},
              "tags":{"type":"array","maxItems":16,"x-kubernetes-list-type":"set","items":{"type":"string","maxLength":63}},
              "settings":{"type":"object","maxProperties":32,"additionalProperties":{"type":"string","maxLength":256}}}},
          "status":{"type":"object","properties":{"observedGeneration":{"type":"integer","format":"int64"},"ready":{"type":"boolean"}}}}}}}]}}
        """.ReplaceLineEndings("").Replace("CRD_NAME", CrdName, StringComparison.Ordinal).Replace("GROUP", Group, StringComparison.Ordinal).Replace("PLURAL", Plural, StringComparison.Ordinal));

    public static string WidgetsPath(string ns) => $"/apis/{Group}/v1/namespaces/{ns}/{Plural}";

    public static string ConfigMapsPath(string ns) => $"/api/v1/namespaces/{ns}/configmaps";

    public static string Name(int index) => "bench-" + index.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>A Widget; replicas is left to the schema's default. <paramref name="revision"/> varies the settings (updates change it).</summary>
    public static byte[] Widget(string ns, string name, int revision, string? resourceVersion = null) => Encoding.UTF8.GetBytes(
        $$$"""{"apiVersion":"{{{Group}}}/v1","kind":"Widget",{{{Metadata(ns, name, resourceVersion)}}},"spec":{"size":3,"color":"blue","tags":["web","bench"],"settings":{{{Settings(revision)}}}}}""");

    /// <summary>A ConfigMap with the Widget's fields as strings, its settings as keys of their own (as many JSON values as the Widget).</summary>
    public static byte[] ConfigMap(string ns, string name, int revision, string? resourceVersion = null) => Encoding.UTF8.GetBytes(
        $$$"""{"apiVersion":"v1","kind":"ConfigMap",{{{Metadata(ns, name, resourceVersion)}}},"data":{"size":"3","color":"blue","replicas":"1","tags":"web,bench",{{{Settings(revision)[1..^1]}}}}}""");

    private static string Metadata(string ns, string name, string? resourceVersion) =>
        $$$"""
        "metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{"app":"bench","tier":"config"},"annotations":{"bench.axolotl.dev/purpose":"latency"}{{{(resourceVersion is null ? "" : $",\"resourceVersion\":\"{resourceVersion}\"")}}}}
        """;

    /// <summary>Eight settings of about 40 characters each: a body of roughly 600 bytes, as the pods of api-latency.</summary>
    private static string Settings(int revision)
    {
        var settings = new StringBuilder("{");
        for (var i = 0; i < 8; i++)
        {
            settings.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}\"key{i}\":\"value-{i}-revision-{revision:D6}-abcdefghijklmnop\"");
        }
        return settings.Append('}').ToString();
    }
}
