using System.Runtime.CompilerServices;

// The runtime tests inspect cgroups and launcher state directly.
[assembly: InternalsVisibleTo("Axolotl.Runtime.Tests")]
