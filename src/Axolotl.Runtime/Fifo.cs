using System.Runtime.InteropServices;

namespace Axolotl.Runtime;

/// <summary>Named pipes (FIFOs) for the armed restart (<see cref="ArmedRestart"/>): made aside and renamed into place.</summary>
internal static class Fifo
{
    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int SysMkfifo(string path, uint mode);

    /// <summary>
    /// Puts a new FIFO (mode 0600) at <paramref name="path"/>, replacing whatever was there in one rename,
    /// so that an opener by path finds either the old one or the new one; false when it cannot be made.
    /// </summary>
    public static bool CreateReplacing(string path)
    {
        var aside = $"{path}.{Guid.NewGuid():N}";
        if (SysMkfifo(aside, Convert.ToUInt32("600", 8)) != 0)
        {
            return false;
        }

        try
        {
            File.Move(aside, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(aside);
            return false;
        }
    }
}
