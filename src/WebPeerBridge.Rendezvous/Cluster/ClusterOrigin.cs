using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Fanout;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>The sender of the hub commands that come from the cluster (the stream, other nodes): no connection of this node.</summary>
internal sealed class ClusterOrigin : IHubClient
{
    public static readonly ClusterOrigin Instance = new();

    private ClusterOrigin()
    {
    }

    public string ConnectionId => "cluster";

    public string Protocol => PeerProtocols.V1;

    public string? RegisteredName => null;

    public bool TryEnqueue(in Outbound frame) => throw new InvalidOperationException("The cluster is no client.");

    public void Accept(PeerInfo you, WelcomeLine welcome) => throw new InvalidOperationException("The cluster is no client.");

    public void Refuse(string code, string message) => throw new InvalidOperationException("The cluster is no client.");

    public void Abort(string code, string message) => throw new InvalidOperationException("The cluster is no client.");

    public void Replace() => throw new InvalidOperationException("The cluster is no client.");
}
