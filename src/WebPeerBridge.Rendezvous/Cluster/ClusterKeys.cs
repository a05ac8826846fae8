using System.Text;
using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>
/// Keys in the buckets. A name's key is its confusable skeleton (so lookalikes are one name across nodes too), base64url
/// encoded: bucket keys allow only <c>[-/_=.A-Za-z0-9]</c>.
/// </summary>
internal static class ClusterKeys
{
    public const string MemberPrefix = "m.";
    public const string NodePrefix = "n.";

    /// <summary>The key of a name in the names bucket.</summary>
    public static string Name(string name) => Encode(NameSkeletons.Key(name));

    /// <summary>The key of a member's presence entry.</summary>
    public static string Member(string name) => MemberPrefix + Encode(NameSkeletons.Key(name));

    /// <summary>The key of a node's heartbeat.</summary>
    public static string Node(string nodeId) => NodePrefix + nodeId;

    private static string Encode(string skeleton) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(skeleton)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
