using EchoOperator.Reconcile;
using k8s;
using k8s.Models;

namespace EchoOperator.Tests;

public sealed class DesiredObjectsTests
{
    [Fact]
    public void The_Deployment_is_owned_by_its_EchoServer_and_carries_its_replicas_and_message()
    {
        var deployment = DesiredObjects.Deployment(Echoes.Hello());

        var owner = Assert.Single(deployment.Metadata.OwnerReferences);
        Assert.Equal(("examples.axolotl.io/v1", "EchoServer", "hello", "uid-1", true, true),
            (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal("echo-operator", deployment.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("hi", Assert.Single(deployment.Spec.Template.Spec.Containers).Env.Single(e => e.Name == "MESSAGE").Value);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels);
    }

    [Fact]
    public void A_Deployment_as_the_server_returns_it_with_defaults_filled_in_has_not_drifted()
    {
        var echo = Echoes.Hello();
        var live = RoundTrip(DesiredObjects.Deployment(echo));
        live.Metadata.ResourceVersion = "7";
        live.Spec.Template.Spec.Containers[0].ImagePullPolicy = "IfNotPresent";
        live.Spec.Template.Spec.RestartPolicy = "Always";

        Assert.False(DesiredObjects.Drifted(live, echo));
    }

    [Theory]
    [InlineData("replicas")]
    [InlineData("message")]
    [InlineData("image")]
    [InlineData("label")]
    [InlineData("owner")]
    public void An_edited_Deployment_has_drifted_and_restoring_it_keeps_what_the_server_owns(string edit)
    {
        var echo = Echoes.Hello();
        var live = RoundTrip(DesiredObjects.Deployment(echo));
        live.Metadata.ResourceVersion = "7";
        var container = live.Spec.Template.Spec.Containers[0];
        switch (edit)
        {
            case "replicas": live.Spec.Replicas = 4; break;
            case "message": container.Env[0].Value = "bye"; break;
            case "image": container.Image = "nginx"; break;
            case "label": live.Spec.Template.Metadata.Labels.Remove("app.kubernetes.io/instance"); break;
            case "owner": live.Metadata.OwnerReferences = null; break;
        }

        Assert.True(DesiredObjects.Drifted(live, echo));
        DesiredObjects.Restore(live, echo);
        Assert.False(DesiredObjects.Drifted(live, echo));
        Assert.Equal("7", live.Metadata.ResourceVersion);
        Assert.Single(live.Metadata.OwnerReferences!);
    }

    [Fact]
    public void A_Service_whose_ports_were_edited_is_restored_and_keeps_its_cluster_IP()
    {
        var echo = Echoes.Hello();
        var live = RoundTrip(DesiredObjects.Service(echo));
        live.Spec.ClusterIP = "10.96.0.20";
        Assert.False(DesiredObjects.Drifted(live, echo));

        live.Spec.Ports[0].Port = 8080;
        Assert.True(DesiredObjects.Drifted(live, echo));
        DesiredObjects.Restore(live, echo);

        Assert.False(DesiredObjects.Drifted(live, echo));
        Assert.Equal(("10.96.0.20", 80), (live.Spec.ClusterIP, live.Spec.Ports[0].Port));
    }

    private static T RoundTrip<T>(T value) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));
}
