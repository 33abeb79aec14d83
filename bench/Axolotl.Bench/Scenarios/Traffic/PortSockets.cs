using System.Globalization;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// A process's TCP sockets on one local port, from /proc/PID/net/tcp and tcp6 (its network namespace): the listener's
/// accept queue (its rx_queue column), connections established but not yet accepted (inode 0: no socket file yet),
/// and accepted ones with and without unread bytes. A SIGKILL resets the first two kinds and the unread ones, and
/// closes the rest with a FIN (a request read and never answered).
/// </summary>
internal sealed record PortSockets(int AcceptQueue, int Queued, int AcceptedUnread, int AcceptedRead)
{
    public static PortSockets? Read(int pid, int port)
    {
        try
        {
            int acceptQueue = 0, queued = 0, unread = 0, read = 0;
            // Kestrel listens on [::] (dual stack): its sockets, IPv4 clients' included, are in tcp6.
            foreach (var line in File.ReadLines($"/proc/{pid}/net/tcp").Skip(1).Concat(File.ReadLines($"/proc/{pid}/net/tcp6").Skip(1)))
            {
                // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 10 || int.Parse(f[1][(f[1].IndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port)
                {
                    continue;
                }
                var state = f[3];
                var rx = long.Parse(f[4][(f[4].IndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (state == "0A")
                {
                    acceptQueue += (int)rx;
                }
                else if (state == "01")
                {
                    if (f[9] == "0")
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
            }
            return new PortSockets(acceptQueue, queued, unread, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    public override string ToString() =>
        $"accept queue {AcceptQueue}, established not accepted {Queued}, accepted with unread bytes {AcceptedUnread}, accepted without {AcceptedRead}";
}
