using System.Runtime.CompilerServices;

// The SPDY header codec is internal; its tests check it against zlib's own output.
[assembly: InternalsVisibleTo("Axolotl.ApiServer.Tests")]
