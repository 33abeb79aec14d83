namespace Axolotl.Scheduler.Framework;

/// <summary>The labels of a namespace (null when it is unknown), for namespaceSelector in pod affinity terms.</summary>
public delegate IReadOnlyDictionary<string, string>? NamespaceLabels(string name);
