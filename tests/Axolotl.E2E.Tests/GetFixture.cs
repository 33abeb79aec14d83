using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>One server with a namespace holding three pods, a deployment and a service, read many ways.</summary>
public sealed class GetFixture : ServerFixture
{
    public string Ns { get; } = "get-tests";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var manifest = $"""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: {Ns}
            ---
            {Pod("web-b", "web", "b", "1")}
            ---
            {Pod("web-a", "web", "a", "3")}
            ---
            {Pod("db-c", "db", "c", "2")}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: {Ns}
            spec:
              replicas: 0
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.25
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: {Ns}
            spec:
              selector:
                app: web
              ports:
              - port: 80
            """;
        await Kubectl.OkAsync("apply", "-f", WriteFile("seed.yaml", manifest));
    }

    private string Pod(string name, string app, string tier, string rank) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          namespace: {Ns}
          labels:
            app: {app}
            tier: {tier}
            rank: "{rank}"
        spec:
          # No node carries this label, so the pods stay Pending and their columns stay predictable.
          nodeSelector:
            e2e.axolotl.dev/never: "true"
          containers:
          - name: main
            image: busybox:1.36
        """;
}
