using System.Text.Json.Serialization;

namespace WebPeerBridge.Rendezvous.Cluster;

/// <summary>The JSON of the entries in the names and presence buckets (source-generated, camelCase).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NameClaim))]
[JsonSerializable(typeof(PresenceEntry))]
internal sealed partial class ClusterJson : JsonSerializerContext;
