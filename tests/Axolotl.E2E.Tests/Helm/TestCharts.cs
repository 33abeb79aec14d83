namespace Axolotl.E2E.Tests.Helm;

/// <summary>Small local charts written into a test's work dir: no repository, no network.</summary>
public static class TestCharts
{
    /// <summary>A Deployment of the busybox seed image, a Service and a ConfigMap whose greeting comes from the values.</summary>
    public static string Hello(string parent) => Write(parent, "hello", ("templates/app.yaml", App));

    /// <summary>Hello plus a pre-install/pre-upgrade Job hook deleted when it succeeds, and a `helm test` Pod.</summary>
    public static string Hooked(string parent) => Write(parent, "hooked", ("templates/app.yaml", App), ("templates/hooks.yaml", Hooks));

    /// <summary>A chart whose crds/ folder holds <paramref name="crd"/> and whose templates hold <paramref name="resource"/>.</summary>
    public static string WithCrd(string parent, string crd, string resource)
    {
        var dir = Write(parent, "withcrd", ("templates/resource.yaml", resource));
        Directory.CreateDirectory(Path.Combine(dir, "crds"));
        File.WriteAllText(Path.Combine(dir, "crds", "widget.yaml"), crd);
        return dir;
    }

    private static string Write(string parent, string name, params (string Path, string Text)[] templates)
    {
        var dir = Path.Combine(parent, $"chart-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(dir, "templates"));
        File.WriteAllText(Path.Combine(dir, "Chart.yaml"), $"apiVersion: v2\nname: {name}\nversion: 0.1.0\n");
        File.WriteAllText(Path.Combine(dir, "values.yaml"), "image: busybox:1.36\ngreeting: hello\n");
        foreach (var (path, text) in templates)
        {
            File.WriteAllText(Path.Combine(dir, path), text);
        }
        return dir;
    }

    private const string App = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Release.Name }}-config
        data:
          greeting: {{ .Values.greeting | quote }}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: {{ .Release.Name }}-svc
        spec:
          selector: {app: {{ .Release.Name }}}
          ports: [{port: 80, targetPort: 8080}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}-web
        spec:
          replicas: 1
          selector: {matchLabels: {app: {{ .Release.Name }}}}
          template:
            metadata: {labels: {app: {{ .Release.Name }}}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: {{ .Values.image }}
                command: [sleep, "3600"]
        """;

    private const string Hooks = """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {{ .Release.Name }}-pre
          annotations:
            helm.sh/hook: pre-install,pre-upgrade
            helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: pre
                image: busybox:1.36
                command: [sh, -c, "echo pre-hook ran"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{ .Release.Name }}-test
          annotations:
            helm.sh/hook: test
            helm.sh/hook-delete-policy: before-hook-creation
        spec:
          restartPolicy: Never
          containers:
          - name: test
            image: busybox:1.36
            command: [sh, -c, "echo greeting is $GREETING; test \"$GREETING\" = hello"]
            env: [{name: GREETING, value: {{ .Values.greeting | quote }}}]
        """;
}
