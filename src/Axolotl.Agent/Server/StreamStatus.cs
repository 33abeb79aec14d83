using System.Text;
using Axolotl.Api.Serialization;
using KubeStatus = Axolotl.Api.Meta.Status;

namespace Axolotl.Agent.Server;

/// <summary>The end of an exec or attach: its Status on channel 3, in the form the negotiated protocol has.</summary>
internal static class StreamStatus
{
    private const byte Error = 3;

    /// <summary>v4 and later: the Status as JSON. channel.k8s.io and base64: a failure's message as text, nothing on success.</summary>
    public static Task SendAsync(ChannelSender sender, StreamProtocol protocol, KubeStatus status, CancellationToken ct)
    {
        if (protocol.StatusAsJson)
        {
            return sender.SendAsync(Error, KubeJson.SerializeToUtf8(status), ct);
        }
        return status.Outcome == "Success" ? Task.CompletedTask : sender.SendAsync(Error, Encoding.UTF8.GetBytes(status.Message ?? "error"), ct);
    }
}
