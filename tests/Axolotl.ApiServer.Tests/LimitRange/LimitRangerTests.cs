using Axolotl.Api.Core;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Resources;
using Axolotl.ApiServer.Admission.LimitRange;
using KubeLimitRange = Axolotl.Api.Core.LimitRange;

namespace Axolotl.ApiServer.Tests.LimitRange;

public sealed class LimitRangerTests
{
    private static Dictionary<string, Quantity> List(params (string Name, string Value)[] entries) =>
        entries.ToDictionary(e => e.Name, e => Quantity.Parse(e.Value), StringComparer.Ordinal);

    private static KubeLimitRange Range(params LimitRangeItem[] items)
    {
        var range = new KubeLimitRange { Spec = new LimitRangeSpec { Limits = [.. items] } };
        ObjectDefaulter.Apply(range);
        return range;
    }

    private static Pod Pod(params Container[] containers)
    {
        var pod = new Pod { Spec = new PodSpec { Containers = [.. containers] } };
        pod.Metadata.Name = "x";
        return pod;
    }

    private static Container Container(string name, Dictionary<string, Quantity>? requests = null, Dictionary<string, Quantity>? limits = null) =>
        new() { Name = name, Resources = new ResourceRequirements { Requests = requests, Limits = limits } };

    [Fact]
    public void Defaults_fill_only_what_a_container_leaves_out_and_the_annotation_says_what_was_set()
    {
        var range = Range(new LimitRangeItem
        {
            Type = "Container",
            Default = List(("cpu", "500m"), ("memory", "256Mi")),
            DefaultRequest = List(("cpu", "100m"), ("memory", "128Mi")),
        });
        var pod = Pod(Container("app"), Container("side", List(("cpu", "50m")), List(("memory", "64Mi"))));

        LimitRanger.ApplyDefaults(pod, [range]);

        Assert.Equal("100m", pod.Spec!.Containers[0].Resources!.Requests!["cpu"].ToString());
        Assert.Equal("256Mi", pod.Spec.Containers[0].Resources!.Limits!["memory"].ToString());
        Assert.Equal("50m", pod.Spec.Containers[1].Resources!.Requests!["cpu"].ToString());
        Assert.Equal("64Mi", pod.Spec.Containers[1].Resources!.Limits!["memory"].ToString());
        Assert.Equal(
            "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app; memory request for container side; cpu limit for container side",
            pod.Metadata.Annotations![LimitRanger.Annotation]);
    }

    [Fact]
    public void A_max_alone_becomes_the_default_limit_and_request()
    {
        var range = Range(new LimitRangeItem { Type = "Container", Max = List(("cpu", "1")) });
        var pod = Pod(Container("app"));
        LimitRanger.ApplyDefaults(pod, [range]);
        Assert.Equal("LimitRanger plugin set: cpu request for container app; cpu limit for container app", pod.Metadata.Annotations![LimitRanger.Annotation]);
        Assert.Null(LimitRanger.Check(pod, range));
    }

    [Fact]
    public void One_violation_prints_bare_and_several_print_as_a_bracketed_list()
    {
        var range = Range(new LimitRangeItem { Type = "Container", Min = List(("cpu", "100m")), Max = List(("memory", "1Gi")) });
        var one = Pod(Container("app", List(("cpu", "50m")), List(("cpu", "50m"), ("memory", "512Mi"))));
        Assert.Equal("minimum cpu usage per Container is 100m, but request is 50m.", LimitRanger.Check(one, range));

        var two = Pod(Container("app", List(("cpu", "50m")), List(("memory", "2Gi"))));
        Assert.Equal("[minimum cpu usage per Container is 100m, but request is 50m., maximum memory usage per Container is 1Gi, but limit is 2Gi.]",
            LimitRanger.Check(two, range));
    }

    [Fact]
    public void Missing_requests_and_limits_have_their_own_messages()
    {
        var min = new LimitRangeItem { Type = "Pod", Min = List(("cpu", "100m")) };
        var max = new LimitRangeItem { Type = "Pod", Max = List(("memory", "1Gi")) };
        var pod = Pod(Container("app"));
        Assert.Equal("[minimum cpu usage per Pod is 100m.  No request is specified., maximum memory usage per Pod is 1Gi.  No limit is specified.]",
            LimitRanger.Check(pod, Range(min, max)));
    }

    [Fact]
    public void The_limit_to_request_ratio_prints_with_six_decimals()
    {
        var range = Range(new LimitRangeItem { Type = "Container", MaxLimitRequestRatio = List(("cpu", "2")) });
        var pod = Pod(Container("app", List(("cpu", "100m")), List(("cpu", "500m"))));
        Assert.Equal("cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000.", LimitRanger.Check(pod, range));
        var noRequest = Pod(Container("app", null, List(("cpu", "500m"))));
        Assert.Equal("cpu max limit to request ratio per Container is 2, but no request is specified or request is 0.", LimitRanger.Check(noRequest, range));
    }

    [Fact]
    public void Pod_limits_sum_the_containers_and_print_memory_in_plain_units()
    {
        var range = Range(new LimitRangeItem { Type = "Pod", Max = List(("memory", "100Mi")) });
        var pod = Pod(Container("a", null, List(("memory", "64Mi"))), Container("b", null, List(("memory", "64Mi"))));
        Assert.Equal("maximum memory usage per Pod is 100Mi, but limit is 134217728.", LimitRanger.Check(pod, range));
    }
}
