using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Tests.Validation;

public sealed class UnknownFieldsTests
{
    [Fact]
    public void Unknown_fields_are_found_at_every_depth_with_dotted_paths()
    {
        var pod = KubeJson.Deserialize<Pod>("""
            {"apiVersion":"v1","kind":"Pod","extra":1,"metadata":{"name":"p","labelz":{}},
             "spec":{"foo":true,"containers":[{"name":"a","image":"i"},{"name":"b","imagee":"typo","livenessProbe":{"httpGet":{"port":80,"pth":"/"}}}],
                     "volumes":[{"name":"v","emptyDir":{"sizelimit":"1Gi"}}]},
             "status":{"containerStatuses":[{"name":"a","state":{"running":{"since":"x"}}}]}}
            """)!;
        Assert.Equal(
            new[]
            {
                "metadata.labelz", "spec.volumes[0].emptyDir.sizelimit", "spec.containers[1].livenessProbe.httpGet.pth",
                "spec.containers[1].imagee", "spec.foo", "status.containerStatuses[0].state.running.since", "extra",
            }.Order(StringComparer.Ordinal),
            UnknownFields.Find(pod).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_message_is_upstreams()
    {
        Assert.Equal("unknown field \"spec.foo\"", UnknownFields.Message("spec.foo"));
    }

    [Fact]
    public void Complete_realistic_objects_have_no_unknown_fields()
    {
        Assert.Empty(UnknownFields.Find(KubeJson.Deserialize<Deployment>(Kinds.Manifests.Deployment)!));
        Assert.Empty(UnknownFields.Find(KubeJson.Deserialize<Pod>(Kinds.Manifests.Pod)!));
        Assert.Empty(UnknownFields.Find(KubeJson.Deserialize<Node>(Kinds.Manifests.Node)!));
        Assert.Empty(UnknownFields.Find(KubeJson.Deserialize<Service>(Kinds.Manifests.Service)!));
    }

    [Fact]
    public void Fields_kept_as_raw_json_count_as_known()
    {
        var pod = KubeJson.Deserialize<Pod>("""{"metadata":{"name":"p","managedFields":[{"anything":1}]},"spec":{"containers":[],"volumes":[{"name":"n","nfs":{"server":"s","path":"/","whatever":2}}]}}""")!;
        Assert.Empty(UnknownFields.Find(pod));
    }

    [Fact]
    public void Unknown_fields_inside_list_items_of_other_kinds_are_found()
    {
        var deployment = KubeJson.Deserialize<Deployment>("""{"metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"i","env":[{"name":"A","valeu":"x"}]}]}}}}""")!;
        Assert.Equal(["spec.template.spec.containers[0].env[0].valeu"], UnknownFields.Find(deployment));
    }
}
