using System.Text.Json.Serialization;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Protocol.Serialization;

/// <summary>Source-generated JSON metadata for every frame of protocol v1.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowDuplicateProperties = false,
    AllowOutOfOrderMetadataProperties = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    MaxDepth = 64,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(Frame))]
internal sealed partial class WireJson : JsonSerializerContext;
