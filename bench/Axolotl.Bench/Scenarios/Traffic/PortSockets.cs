using System.Diagnostics;
using System.Globalization;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// A process's TCP sockets on one local port, as `ss` lists them in its network namespace: the listener's
/// accept queue (its rx_queue column), connections established but not yet accepted (inode 0: no socket file yet),
/// and accepted ones with and without unread bytes. A SIGKILL resets the first two kinds and the unread ones; an accepted
/// one with nothing unread is closed with a FIN when the app had read its request, and reset when the request comes later.
/// </summary>
internal sealed record PortSockets(int AcceptQueue, int Queued, int AcceptedUnread, int AcceptedRead)
{
    /// <summary>
    /// Through `ss` in the process's network namespace, whose state filter runs in the kernel: reading /proc/PID/net/tcp6
    /// walked every TIME_WAIT socket of a busy pod (12,000-13,000) and took 1.3-1.5 s, so the kill came late.
    /// </summary>
    public static PortSockets? Read(int pid, int port)
    {
        try
        {
            var psi = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in (string[])["-t", pid.ToString(CultureInfo.InvariantCulture), "-n", "ss", "-tneH", "state", "listening", "state", "established", $"( sport = :{port} )"])
            {
                psi.ArgumentList.Add(arg);
            }
            using var ss = Process.Start(psi)!;
            var output = ss.StandardOutput.ReadToEnd();
            ss.WaitForExit();
            if (ss.ExitCode != 0)
            {
                return null;
            }
            int acceptQueue = 0, queued = 0, unread = 0, read = 0;
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                // State Recv-Q Send-Q Local Peer ino:N ...: a LISTEN line's Recv-Q is its accept queue, an established one's its unread bytes.
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 6)
                {
                    continue;
                }
                var rx = long.Parse(f[1], CultureInfo.InvariantCulture);
                var inode = f.FirstOrDefault(x => x.StartsWith("ino:", StringComparison.Ordinal));
                if (f[0] == "LISTEN")
                {
                    acceptQueue += (int)rx;
                }
                else if (inode == "ino:0")
                {
                    queued++;
                }
                else if (rx > 0)
                {
                    unread++;
                }
                else
                {
                    read++;
                }
            }
            return new PortSockets(acceptQueue, queued, unread, read);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or FormatException)
        {
            return null;
        }
    }

    public override string ToString() =>
        $"accept queue {AcceptQueue}, established not accepted {Queued}, accepted with unread bytes {AcceptedUnread}, accepted with none (request read, or not arrived yet) {AcceptedRead}";
}
