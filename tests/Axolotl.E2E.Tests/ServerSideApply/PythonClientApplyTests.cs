using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.ServerSideApply;

/// <summary>
/// Server-side apply from the official Python client (Debian's python3-kubernetes 22.6): DynamicClient's
/// server_side_apply (YAML and JSON bodies) with field managers, the conflict it raises, force_conflicts (sent
/// as "True"), removal of dropped fields, and managedFields read back through the typed API as
/// V1ManagedFieldsEntry objects. The typed patch_namespaced_* methods of 22.6 cannot send apply-patch+yaml.
/// </summary>
[Collection(SharedServerFCollection.Name)]
public sealed class PythonClientApplyTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, sys, yaml
        from kubernetes import client, config, dynamic
        from kubernetes.dynamic.exceptions import ConflictError

        config.load_kube_config(config_file=sys.argv[1])
        ns = sys.argv[2]
        api = client.ApiClient()
        dyn = dynamic.DynamicClient(api)
        configmaps = dyn.resources.get(api_version="v1", kind="ConfigMap")

        # 22.6 sends an apply body only as given text (its REST layer serialises dicts for JSON types only).
        def cm(data, dump=json.dumps):
            return dump({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "py", "namespace": ns}, "data": data})

        def apply(data, manager, dump=json.dumps, **kwargs):
            return dyn.server_side_apply(configmaps, body=cm(data, dump), name="py", namespace=ns, field_manager=manager, **kwargs)

        apply({"a": "1", "b": "2"}, "alice", dump=yaml.safe_dump)
        try:
            apply({"a": "9"}, "bob")
            print("no conflict")
        except ConflictError as e:
            status = json.loads(e.body)
            print("conflict", e.status, status["message"], status["details"]["causes"][0]["reason"])
        apply({"a": "9"}, "bob", force_conflicts=True)
        apply({"c": "3"}, "alice")

        live = client.CoreV1Api(api).read_namespaced_config_map("py", ns)
        print("data", json.dumps(live.data, sort_keys=True))
        for entry in sorted(live.metadata.managed_fields, key=lambda e: e.manager):
            print("entry", entry.manager, entry.operation, entry.api_version, entry.fields_type,
                  json.dumps(entry.fields_v1, sort_keys=True), entry.time.tzinfo is not None)
        """;

    [Fact]
    public async Task The_python_client_applies_with_field_managers_conflicts_and_force()
    {
        Assert.True(File.Exists(Python), "python3 is required (.ci/run installs it)");
        var ns = await fx.NewNamespaceAsync("ssa-python");
        var script = fx.WriteFile("apply.py", Script);

        var result = await ProcessRunner.RunAsync(Python, [script, fx.Server.Kubeconfig, ns], timeout: TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                "conflict 409 Apply failed with 1 conflict: conflict with \"alice\": .data.a FieldManagerConflict",
                """data {"a": "9", "c": "3"}""",
                """entry alice Apply v1 FieldsV1 {"f:data": {"f:c": {}}} True""",
                """entry bob Apply v1 FieldsV1 {"f:data": {"f:a": {}}} True""",
            ],
            TableText.Lines(result.Stdout));
    }
}
